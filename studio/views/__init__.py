"""Back-office pages that are not model admins: the calendar, the import pages, the
receivables, the onboarding wizard.

Each page is a plain view function. The admin site wires them into its URLs (studio/admin/site.py)
behind its login, and passes itself as `admin_site` to the pages that render inside the admin
chrome, so these modules never import the admin.
"""
