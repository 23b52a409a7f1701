from portal.views.home import home

__all__ = ["home"]
