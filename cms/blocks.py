"""StreamField blocks shared by the marketing pages: editors compose pages from these."""

from __future__ import annotations

from wagtail import blocks

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


class FeatureBlock(blocks.StructBlock):
    icon = blocks.ChoiceBlock(choices=ICONS, required=False)
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock(max_length=400)

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
    button_url = blocks.CharBlock(max_length=200, help_text="A path like /pricing/ or a full URL.")

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"
        label = "Call to action"


class BodyBlock(blocks.StreamBlock):
    features = FeatureGridBlock()
    call_to_action = CallToActionBlock()
    text = blocks.RichTextBlock(template="cms/blocks/text.html")
