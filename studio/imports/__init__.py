"""Bulk import: read a spreadsheet however it was saved, validate every row with the studio's own
rules, and write all of it or none of it.

reader.py   bytes -> header + rows (CSV in any usual encoding and delimiter, or XLSX)
values.py   one cell -> a Python value (dates in the studio's order, decimal commas, ...)
columns.py  header cells -> the resource's columns (case, accents and aliases forgiven)
engine.py   the run itself: parse, hand rows to the resource, report, commit or roll back
types.py    what the run and the resources share: rows, context, report, row outcomes
"""
