"""StreamField blocks shared by the marketing pages: editors compose pages from these.

One module for every page type (as in wagtail/bakerydemo's base/blocks.py), so a block added here
is available wherever it makes sense without a developer wiring it into each page.
"""

from __future__ import annotations

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.links import link_validator

ICONS = [
    ("calendar", "Calendar"),
    ("sliders", "Mixing desk"),
    ("headphones", "Headphones"),
    ("receipt", "Invoice"),
    ("tool", "Maintenance"),
    ("upload", "Import"),
    ("bolt", "Speed"),
    ("users", "Team"),
    ("lock", "Security"),
    ("music", "Music"),
]

# The rich text an editor gets in page bodies: headings, lists, links, code; no embedded media
# (images have their own block, so they get renditions and captions).
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "code", "blockquote"]


class FeatureBlock(blocks.StructBlock):
    icon = blocks.ChoiceBlock(choices=ICONS, required=False)
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=400)
    link_url = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="Optional: a page like /features/calendar/.",
        validators=[link_validator],
    )

    class Meta:
        icon = "pick"
        label = "Feature"


class FeatureGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    intro = blocks.TextBlock(required=False)
    features = blocks.ListBlock(FeatureBlock())

    class Meta:
        icon = "table"
        template = "cms/blocks/feature_grid.html"
        label = "Feature grid"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=40)
    button_url = blocks.CharBlock(
        max_length=200,
        help_text="A path like /pricing/ or a full URL.",
        validators=[link_validator],
    )
    secondary_label = blocks.CharBlock(max_length=40, required=False)
    secondary_url = blocks.CharBlock(max_length=200, required=False, validators=[link_validator])

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"
        label = "Call to action"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(max_length=250, required=False)
    wide = blocks.BooleanBlock(required=False, help_text="Wider than the text column.")

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"
        label = "Image"


class ImageTextBlock(blocks.StructBlock):
    """A screenshot or photo beside a short pitch: the staple of feature pages."""

    eyebrow = blocks.CharBlock(max_length=60, required=False)
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    image = ImageChooserBlock()
    image_on_left = blocks.BooleanBlock(required=False)

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/image_text.html"
        label = "Image beside text"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("tip", "Tip"), ("note", "Note"), ("warning", "Watch out")], default="tip"
    )
    title = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "code", "ul"])

    class Meta:
        icon = "help"
        template = "cms/blocks/callout.html"
        label = "Callout"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "code", "ul"])


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    steps = blocks.ListBlock(StepBlock())

    class Meta:
        icon = "list-ol"
        template = "cms/blocks/steps.html"
        label = "Numbered steps"


class TestimonialsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    testimonials = blocks.ListBlock(SnippetChooserBlock("cms.Testimonial"))

    class Meta:
        icon = "openquote"
        template = "cms/blocks/testimonials.html"
        label = "Testimonials"


class FaqListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Frequently asked questions")
    questions = blocks.ListBlock(SnippetChooserBlock("cms.FaqEntry"))

    class Meta:
        icon = "help"
        template = "cms/blocks/faq_list.html"
        label = "FAQ"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(max_length=120, required=False)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"
        label = "Quote"


class BodyBlock(blocks.StreamBlock):
    """Wide sections: the landing page, feature pages, pricing."""

    features = FeatureGridBlock()
    image_text = ImageTextBlock()
    steps = StepsBlock()
    testimonials = TestimonialsBlock()
    faq = FaqListBlock()
    call_to_action = CallToActionBlock()
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="cms/blocks/text.html")
    image = ImageBlock()
    callout = CalloutBlock()


class ArticleBlock(blocks.StreamBlock):
    """One text column: help articles, blog posts, legal pages."""

    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="cms/blocks/prose.html")
    image = ImageBlock()
    callout = CalloutBlock()
    steps = StepsBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
