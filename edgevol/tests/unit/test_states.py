"""The life-cycle table walks: reachable, recoverable, escapable."""

import testtools

from edgevol import states

ALL_STATUSES = {value for name, value in vars(states).items()
                if name.isupper() and isinstance(value, str)
                and name not in ("STATUS", "ATTACH_STATUS",
                                 "MIGRATION_STATUS")}


class StatesTableTest(testtools.TestCase):
    def test_every_transition_uses_known_statuses(self):
        for transition in states.TRANSITIONS.values():
            # None: a migration status never set (the volume never moved).
            self.assertLessEqual(transition.sources - {None}, ALL_STATUSES,
                                 transition.event)
            self.assertIn(transition.target, ALL_STATUSES, transition.event)

    def test_every_status_is_reachable_from_creating(self):
        # A volume's migration status starts unset (None).
        reached, frontier = {states.CREATING, None}, [states.CREATING, None]
        while frontier:
            status = frontier.pop()
            for transition in states.TRANSITIONS.values():
                if (status in transition.sources
                        and transition.target not in reached):
                    reached.add(transition.target)
                    frontier.append(transition.target)
        self.assertEqual(ALL_STATUSES, reached - {None})

    def test_every_transitional_status_has_a_recovery_rule(self):
        self.assertEqual(set(states.TRANSITIONAL), set(states.ON_RESTART))

    def test_every_transitional_status_has_an_owner(self):
        self.assertEqual(set(states.TRANSITIONAL), set(states.WATCHES))

    def test_give_up_events_leave_the_watched_status(self):
        for status, watch in states.WATCHES.items():
            if watch.give_up is not None:
                transition = states.transition(watch.give_up)
                self.assertIn(status, transition.sources, status)
                self.assertIn(transition.target, states.STABLE, status)

    def test_client_owned_statuses_are_not_resumed_by_a_site(self):
        for status, watch in states.WATCHES.items():
            self.assertEqual(
                watch.owner is states.Owner.CLIENT,
                states.ON_RESTART[status] is states.Recovery.AWAIT_CLIENT,
                status)

    def test_every_error_status_has_a_way_out(self):
        for status in ALL_STATUSES:
            if status.startswith("error"):
                exits = [t for t in states.TRANSITIONS.values()
                         if status in t.sources]
                self.assertTrue(exits, "%s is a dead end" % status)

    def test_status_values_fit_the_column(self):
        for status in ALL_STATUSES:
            self.assertLessEqual(len(status), 32)


class MigrationStatesTest(testtools.TestCase):
    def test_migration_events_change_only_the_migration_status(self):
        events = [t for t in states.TRANSITIONS.values()
                  if t.event.startswith("migrate_")]
        self.assertTrue(events)
        for transition in events:
            self.assertEqual(states.MIGRATION_STATUS, transition.column,
                             transition.event)

    def test_every_migration_status_a_site_owns_has_a_restart_rule(self):
        owned = {t.target for t in states.TRANSITIONS.values()
                 if t.column == states.MIGRATION_STATUS} - {states.SUCCESS}
        self.assertEqual(owned, set(states.MIGRATION_ON_RESTART))

    def test_a_migration_ends_or_starts_again_from_every_status(self):
        for status in (states.MIGRATING, states.COMPLETING, states.ERROR):
            exits = [t for t in states.TRANSITIONS.values()
                     if t.column == states.MIGRATION_STATUS
                     and status in t.sources and t.target != status]
            self.assertTrue(exits, status)
        start = states.transition("migrate_start")
        self.assertEqual({None, states.SUCCESS, states.ERROR}, start.sources)
