"""Sorting and marker paging of Cinder's list APIs, for every list.

A page is the rows strictly after the marker row in the requested order;
``id`` always ends the order, so rows with equal sort values still page
without repeats or gaps.
"""

import typing

import sqlalchemy as sa

from edgevol import exception

DEFAULT_SORT = (("created_at", "desc"),)
"""Cinder's order when a list names none: newest first."""


class Sorting(typing.NamedTuple):
    """What one list may be sorted by.

    :param table: the listed table (with ``id``).
    :param keys: the sort keys the API accepts.
    :param columns: ``{sort key: column name}`` where the two differ
        (``name`` sorts ``display_name``).
    """

    table: sa.Table
    keys: frozenset
    columns: dict

    def _columns(self, sort):
        sort = list(sort or DEFAULT_SORT)
        if not any(key == "id" for key, _ in sort):
            sort.append(("id", sort[0][1]))
        columns = []
        for key, direction in sort:
            if key not in self.keys:
                raise exception.InvalidInput(
                    reason="Invalid sort key '%s'; valid: %s." %
                    (key, ", ".join(sorted(self.keys))))
            columns.append((self.table.c[self.columns.get(key, key)],
                            direction))
        return columns

    def page(self, session, query, marker=None, limit=None, sort=None):
        """``query`` ordered by ``sort`` ((key, "asc"|"desc") pairs), after
        row ``marker`` and at most ``limit`` rows.

        :raises InvalidInput: an unknown sort key.
        :raises MarkerNotFound: no row ``marker``.
        """
        columns = self._columns(sort)
        if marker is not None:
            marker_row = session.execute(sa.select(self.table).where(
                self.table.c.id == marker)).mappings().first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(_after(columns, marker_row))
        for column, direction in columns:
            query = query.order_by(column.asc() if direction == "asc"
                                   else column.desc())
        if limit is not None:
            query = query.limit(limit)
        return query


def _after(columns, marker_row):
    """Rows strictly after ``marker_row`` in the (column, dir) ordering."""
    clauses = []
    for index, (column, direction) in enumerate(columns):
        equal = [c == marker_row[c.name] for c, _ in columns[:index]]
        value = marker_row[column.name]
        beyond = column > value if direction == "asc" else column < value
        clauses.append(sa.and_(*equal, beyond))
    return sa.or_(*clauses)
