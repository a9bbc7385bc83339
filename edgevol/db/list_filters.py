"""The filters of Cinder's list APIs, one implementation for every list.

Volumes and snapshots accept the same kinds of filter: exact columns,
``metadata`` (every given key and value), ``name``, inexact ``key~``
(API 3.34), ``consumes_quota`` (3.65) and, for some, time comparisons
(3.60). Each list says which columns each kind applies to.
"""

import operator
import typing

import sqlalchemy as sa

from edgevol.db import attachments
from edgevol import exception

TIME_OPERATORS = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt,
                  "gte": operator.ge, "eq": operator.eq, "neq": operator.ne}
"""Comparisons of the ``created_at``/``updated_at`` filters (API 3.60)."""


class ListFilters(typing.NamedTuple):
    """What one list's rows can be filtered by.

    :param table: the listed table (with ``id`` and ``display_name``).
    :param metadata_owner: the metadata table's column naming the row.
    :param exact: columns compared for equality.
    :param inexact: ``{filter name: column}`` of the ``name~`` filters.
    :param times: columns compared with ``TIME_OPERATORS``.
    """

    table: sa.Table
    metadata_owner: sa.Column
    exact: frozenset
    inexact: dict
    times: frozenset = frozenset()

    def apply(self, query, filters):
        """``query`` narrowed by ``filters``; InvalidInput for an unknown
        filter."""
        for key, value in (filters or {}).items():
            query = query.where(self._clause(key, value))
        return query

    def _clause(self, key, value):
        columns = self.table.c
        if key == "metadata":
            metadata = self.metadata_owner.table.c
            return sa.and_(sa.true(), *(sa.exists().where(
                self.metadata_owner == columns.id,
                metadata.key == meta_key,
                metadata.value == str(meta_value))
                for meta_key, meta_value in value.items()))
        if key == "name":
            return columns.display_name == value
        if key.endswith("~") and key[:-1] in self.inexact:
            # Contains, case-insensitively.
            return columns[self.inexact[key[:-1]]].ilike(
                "%" + attachments.escape_like(value) + "%", escape="\\")
        if key in self.times:
            return sa.and_(sa.true(), *(
                TIME_OPERATORS[name](columns[key], when)
                for name, when in value.items()))
        if key == "consumes_quota":
            # Every row counts against its project's quota (Cinder's
            # temporary volumes and snapshots of migrations and backups
            # do not; edgevol makes none), so only "false" filters out.
            return sa.true() if value else sa.false()
        if key in self.exact:
            return columns[key] == value
        raise exception.InvalidInput(reason="Invalid filter key '%s'." % key)
