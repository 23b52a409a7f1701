"""The review thread of a track's page, written as HTML here rather than in the template: a track
with 20 versions and 500 comments costs the template engine about a third of a millisecond per
comment, this a few microseconds. Every value from the database goes through `escape`.

The markup is what `audio/player.html` documents: a block per version with
data-player-comments-for, seek links with data-player-seek, "Reply" links the player turns into
a reply in the page's comment form. All resolve buttons submit one form (#comment-resolve) with
their own address (formaction), so the page carries one CSRF token, not 500.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _attr(value) -> str:
    return escape(str(value))


def _body(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _comment(comment: dict, version_id: int, *, reply: bool, resolve: bool, labels: dict) -> str:
    stamp = comment["at_clock"]
    if comment["until"] is not None:
        stamp += "–" + comment["until_clock"]
    head = [
        f'<a class="tp-stamp" href="?version={version_id}&amp;t={comment["at"]}#player" '
        f'data-player-seek="{comment["at"]}" data-player-seek-version="{version_id}">'
        f"{escape(stamp)}</a>",
        f"<strong>{escape(comment['author'])}</strong>",
    ]
    if comment["by_client"]:
        head.append(labels["client"])
    if comment["resolved"]:
        head.append(
            f'<span class="tp-tag tp-tag-done">{labels["resolved_by"]} '
            f"{escape(comment['resolved_by'])}</span>"
        )
    if reply:
        label = _attr(f"{comment['author']} ({comment['at_clock']})")
        head.append(
            f'<a class="tp-link tp-reply-link" href="?version={version_id}&amp;reply='
            f'{comment["id"]}#comment-form" data-player-reply="{comment["id"]}" '
            f'data-player-reply-version="{version_id}" data-player-reply-label="{label}">'
            f"{labels['reply']}</a>"
        )
    if resolve:
        again = "0" if comment["resolved"] else "1"
        word = labels["reopen"] if comment["resolved"] else labels["resolve"]
        head.append(
            f'<button type="submit" form="comment-resolve" class="tp-button tp-small" '
            f'formaction="{_attr(comment["resolve_url"])}" name="resolved" value="{again}">'
            f"{word}</button>"
        )
    replies = "".join(
        f'<div id="comment-{r["id"]}" class="tp-reply"><strong>{escape(r["author"])}</strong>'
        + (f" {labels['client']}" if r["by_client"] else "")
        + f' <span class="tp-body">{_body(r["body"])}</span></div>'
        for r in comment["replies"]
    )
    resolved = " tp-resolved" if comment["resolved"] else ""
    return (
        f'<article id="comment-{comment["id"]}" class="tp-comment{resolved}">'
        f'<header class="tp-comment-head">{" ".join(head)}</header>'
        f'<p class="tp-body">{_body(comment["body"])}</p>{replies}</article>'
    )


def thread_html(player: dict, *, reply: bool, resolve: bool) -> SafeString:
    labels = {
        "client": f'<span class="tp-tag">{escape(_("client"))}</span>',
        "resolved_by": escape(_("resolved by")),
        "reply": escape(_("Reply")),
        "resolve": escape(_("Resolve")),
        "reopen": escape(_("Reopen")),
    }
    parts = []
    for version in player["versions"]:
        comments = version["comments"]
        hidden = "" if version["id"] == player["selected"] else " hidden"
        title = ngettext(
            "%(count)s comment on %(name)s", "%(count)s comments on %(name)s", len(comments)
        ) % {"count": len(comments), "name": version["name"]}
        if version["open_comments"]:
            title += " · " + _("%(count)s open") % {"count": version["open_comments"]}
        aria = _("Comments on %(name)s") % {"name": version["name"]}
        parts.append(
            f'<section data-player-comments-for="{version["id"]}"{hidden} '
            f'aria-label="{_attr(aria)}"><h3 class="tp-subtitle">{escape(title)}</h3>'
        )
        if comments:
            parts.extend(
                _comment(c, version["id"], reply=reply, resolve=resolve, labels=labels)
                for c in comments
            )
        else:
            parts.append(f'<p class="tp-muted">{escape(_("No comments on this version yet."))}</p>')
        parts.append("</section>")
    return mark_safe("".join(parts))
