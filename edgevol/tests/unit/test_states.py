"""The life-cycle table walks: reachable, recoverable, escapable."""

import testtools

from edgevol import states

ALL_STATUSES = {value for name, value in vars(states).items()
                if name.isupper() and isinstance(value, str)
                and name not in ("STATUS", "ATTACH_STATUS")}


class StatesTableTest(testtools.TestCase):
    def test_every_transition_uses_known_statuses(self):
        for transition in states.TRANSITIONS.values():
            self.assertLessEqual(transition.sources, ALL_STATUSES,
                                 transition.event)
            self.assertIn(transition.target, ALL_STATUSES, transition.event)

    def test_every_status_is_reachable_from_creating(self):
        reached, frontier = {states.CREATING}, [states.CREATING]
        while frontier:
            status = frontier.pop()
            for transition in states.TRANSITIONS.values():
                if (status in transition.sources
                        and transition.target not in reached):
                    reached.add(transition.target)
                    frontier.append(transition.target)
        self.assertEqual(ALL_STATUSES, reached)

    def test_every_transitional_status_has_a_recovery_rule(self):
        self.assertEqual(set(states.TRANSITIONAL), set(states.ON_RESTART))

    def test_every_error_status_has_a_way_out(self):
        for status in ALL_STATUSES:
            if status.startswith("error"):
                exits = [t for t in states.TRANSITIONS.values()
                         if status in t.sources]
                self.assertTrue(exits, "%s is a dead end" % status)

    def test_status_values_fit_the_column(self):
        for status in ALL_STATUSES:
            self.assertLessEqual(len(status), 32)
