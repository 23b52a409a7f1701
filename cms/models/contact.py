"""The contact form: submissions are stored by Wagtail and e-mailed to the platform admins."""

from __future__ import annotations

from django import forms
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.mail import send_mail
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

# A field people never see (hidden by CSS, skipped by keyboard and autofill) and bots fill in.
HONEYPOT_FIELD = "website_url"
DEFAULT_SUBJECT = "New message from the website contact form"


class ContactFormField(AbstractFormField):
    page = ParentalKey("cms.ContactPage", on_delete=models.CASCADE, related_name="form_fields")


class ContactPage(AbstractEmailForm):
    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading="E-mail",
            help_text="Leave “to address” empty to send to the platform admins.",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["honeypot"] = HONEYPOT_FIELD
        return context

    def get_form_class(self):
        form_class = super().get_form_class()
        honeypot = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        return type("ContactForm", (form_class,), {HONEYPOT_FIELD: honeypot})

    def process_form_submission(self, form):
        if form.cleaned_data.get(HONEYPOT_FIELD):
            # A bot: it gets the same thank-you page, but nothing is stored or sent.
            return None
        form.cleaned_data.pop(HONEYPOT_FIELD, None)
        submission = self.get_submission_class().objects.create(
            form_data=form.cleaned_data, page=self
        )
        self.send_mail(form)
        return submission

    def send_mail(self, form):
        # cms.selectors imports the page models: importing it at the top would be circular.
        from cms.selectors import contact_recipients

        reply_to = [
            value
            for field in self.get_form_fields()
            if field.field_type == "email" and (value := form.cleaned_data.get(field.clean_name))
        ]
        send_mail(
            self.subject or DEFAULT_SUBJECT,
            self.render_email(form),
            contact_recipients(self.to_address),
            self.from_address or None,
            reply_to=reply_to[:1] or None,
        )
