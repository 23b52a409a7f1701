"""How a cell's value is checked against its model field on import.

Most columns are text with a length limit and maybe choices or a pattern: for those a quick
inline check says whether a value passes, and only values that fail (and other kinds of field)
go through the field's own clean(), for Django's rule and wording.
"""

from __future__ import annotations

import functools
import re

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import (
    EmailValidator,
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    RegexValidator,
)
from django.db import models

SIMPLE_VALIDATORS = (MaxLengthValidator, ProhibitNullCharactersValidator)

MISSING, KEEP = object(), object()


def first_message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def when_empty(field):
    """What an empty cell means for a field: keep the default or current value (KEEP), store
    NULL or "" (that value), or let the field's own check refuse it (MISSING)."""
    if not (field.has_default() or field.null):
        return MISSING
    if not field.blank:
        return KEEP
    return None if field.null else ""


def _plain_string_check(field):
    if isinstance(field, models.EmailField):
        return _email_check(field)
    if not isinstance(field, (models.CharField, models.TextField)):
        return None
    patterns = []
    for validator in field.validators:
        if isinstance(validator, RegexValidator):
            # The validator's regex is lazy; compile it once for the whole file.
            regex = re.compile(validator.regex.pattern, validator.regex.flags)
            patterns.append((regex.search, validator.inverse_match))
        elif not isinstance(validator, SIMPLE_VALIDATORS):
            return None
    limit = field.max_length or 10**9
    allowed = {str(k) for k, _ in field.flatchoices} if field.choices else None
    blank = field.blank

    def basic(v) -> bool:
        return (
            v.__class__ is str
            and len(v) <= limit
            and (blank or v != "")
            and "\x00" not in v
            and (allowed is None or v in allowed)
        )

    if not patterns:
        return basic
    if len(patterns) == 1:
        search, inverse = patterns[0]
        if inverse:
            return lambda v: basic(v) and search(v) is None
        return lambda v: basic(v) and search(v) is not None
    return lambda v: basic(v) and all(bool(search(v)) != inverse for search, inverse in patterns)


def _email_check(field):
    """EmailField's rules with Django's own validator, its domain check remembered per domain
    (a client list has thousands of addresses at a handful of domains)."""
    validators = [v for v in field.validators if not isinstance(v, SIMPLE_VALIDATORS)]
    if len(validators) != 1 or not isinstance(validators[0], EmailValidator):
        return None
    email = validators[0]
    # The validator's regex is a lazy object; resolve it once, not on every address.
    user_ok = re.compile(email.user_regex.pattern, email.user_regex.flags).match
    domain_ok = functools.lru_cache(maxsize=4096)(
        lambda domain: domain in email.domain_allowlist or email.validate_domain_part(domain)
    )
    limit = field.max_length or 10**9
    blank = field.blank

    def check(v) -> bool:
        if v.__class__ is not str or len(v) > limit or "\x00" in v or "\n" in v:
            return False
        if v == "":
            return blank
        user, at, domain = v.rpartition("@")
        return bool(at and user and user_ok(user) and domain_ok(domain))

    return check


def plain_text_check(field):
    """For a field whose rules can be checked inline (text with a maximum length and maybe
    choices, e-mail, a list of short texts), a function that says whether a value passes them.
    Values that fail, and other kinds of field, go through field.clean() for Django's own
    message, so the rules and the wording stay Django's."""
    if isinstance(field, ArrayField):
        item = _plain_string_check(field.base_field)
        if (
            item is None
            or field.size
            or any(not isinstance(v, SIMPLE_VALIDATORS) for v in field.validators)
        ):
            return None
        return lambda v: v.__class__ is list and all(item(i) for i in v)
    return _plain_string_check(field)
