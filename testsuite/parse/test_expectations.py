"""The rules that word syntax errors as stap does (stap5/parse/expectations.py)
stay attached to the grammar: each names LR items the tables have."""

from stap5.parse import expectations
from stap5.parse.parser import lr_parser


def test_every_rule_names_an_item_of_the_grammar():
    tables = lr_parser().tables
    known = expectations.Expectations(tables)
    items = {known._item_text(number, dot)
             for state in tables.items for number, dot in state}
    stale = [item for item in expectations.RULES if item not in items]
    assert not stale, "rules about items the grammar no longer has: %s" % stale


def test_tables_have_items_for_every_state():
    tables = lr_parser().tables
    assert len(tables.items) == len(tables.action) > 300
