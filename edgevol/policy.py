"""The policy enforcer and the one function handlers call: ``authorize``.

Defaults live in ``edgevol.policies``; an operator's policy file
(``[oslo_policy] policy_file``) overrides them.

Decisions are memoized. oslo.policy looks for the policy file on disk and
introspects every check on each call (about 0.3 ms a decision, measured),
and a volume create needs several decisions. A decision depends only on the
rule, the target and the caller's credentials, which together form the
memo key; the memo is dropped every ``RELOAD_INTERVAL`` seconds, so a
changed policy file takes effect within that time without a restart.
"""

import functools
import threading
import time

from oslo_config import cfg
from oslo_policy import opts as policy_opts
from oslo_policy import policy

from edgevol import exception
from edgevol import policies

RELOAD_INTERVAL = 10.0
"""Seconds a memoized decision is trusted before the file is re-read."""
MEMO_SIZE = 8192

_lock = threading.Lock()
_enforcer = None
_memo_since = 0.0


def init(conf=None):
    """Build the process's enforcer from ``conf`` (default ``cfg.CONF``)."""
    global _enforcer, _memo_since
    conf = conf if conf is not None else cfg.CONF
    policy_opts.set_defaults(conf)
    enforcer = policy.Enforcer(conf)
    enforcer.register_defaults(policies.list_rules())
    enforcer.load_rules()
    with _lock:
        _enforcer = enforcer
        _decide.cache_clear()
        _memo_since = time.monotonic()
    return enforcer


def get_enforcer():
    """The enforcer (``init`` on first use); also for oslopolicy tools."""
    with _lock:
        enforcer = _enforcer
    return enforcer if enforcer is not None else init()


def authorize(context, action, target):
    """Raise PolicyNotAuthorized (403) unless ``context`` may do ``action``.

    :param target: attributes of the object acted on, at least
        ``project_id`` (the owner, or the caller's project for creates).
    """
    if not check(context, action, target):
        raise exception.PolicyNotAuthorized(action=action)


def check(context, action, target):
    """Whether ``context`` may do ``action`` on ``target``, as a bool.

    :raises oslo_policy.policy.PolicyNotRegistered: unknown ``action``.
    """
    global _memo_since
    enforcer = get_enforcer()
    now = time.monotonic()
    if now - _memo_since > RELOAD_INTERVAL:
        with _lock:
            _decide.cache_clear()
            _memo_since = now
    return _decide(enforcer, action, _freeze(target), _credentials(context))


def _credentials(context):
    # A request makes several checks with one context: freeze it once.
    frozen = getattr(context, "_edgevol_policy_credentials", None)
    if frozen is None:
        frozen = _freeze(context.to_policy_values())
        context._edgevol_policy_credentials = frozen
    return frozen


def _freeze(values):
    return tuple(sorted(
        (key, tuple(value) if isinstance(value, list) else value)
        for key, value in values.items()))


@functools.lru_cache(maxsize=MEMO_SIZE)
def _decide(enforcer, action, target, credentials):
    creds = {key: list(value) if isinstance(value, tuple) else value
             for key, value in credentials}
    try:
        return enforcer.authorize(action, dict(target), creds,
                                  do_raise=False)
    except policy.InvalidScope:
        # A system- or domain-scoped token on a project-scoped rule.
        return False
