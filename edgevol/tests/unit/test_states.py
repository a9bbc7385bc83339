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
