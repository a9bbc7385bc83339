"""Keys in a key manager, reached only through castellan.

edgevol never holds a key longer than the operation that needs it, and
never in its database, configuration or logs: it keeps key ids. Every call
is bounded by ``[key_manager] call_timeout`` (castellan's Barbican backend
would wait forever on a hung Barbican), whatever backend castellan is
configured with.
"""

import concurrent.futures
import threading

from castellan.common import exception as castellan_exception
from castellan import key_manager as castellan_key_manager
from castellan.common.objects import symmetric_key
from castellan.common import utils as castellan_utils

from edgevol.conf import key_manager as key_manager_conf
from edgevol import exception

KEY_ALGORITHM = "AES"
KEY_BITS = 256
CALLERS = 8
"""Key manager calls in flight at once per process."""


_shared = {}
_shared_lock = threading.Lock()


def shared(conf):
    """The process's one ``KeyManager`` for ``conf`` (one pool of callers
    and one castellan backend, whatever its users in the process)."""
    with _shared_lock:
        manager = _shared.get(id(conf))
        if manager is None or manager.conf is not conf:
            manager = _shared[id(conf)] = KeyManager(conf)
        return manager


def service_credential(conf):
    """The credential of this service's own key manager user, from
    castellan's ``[key_manager]`` options (``auth_type =
    keystone_password``, ``username``, ``password``, ``project_name``, ...).

    Volume keys are created, read and deleted with it, never with a user's
    token: a create or delete finishes long after the request, and the
    compute agent, which has no user token at all, reads keys with its own
    user. Keys therefore live in the key manager project of these service
    users, where no tenant has a role: project B cannot read project A's
    key (nor can A; edgevol decides who may attach which volume).

    :raises KeyManagerUnavailable: no credential is configured.
    """
    try:
        return castellan_utils.credential_factory(conf)
    except (castellan_exception.InsufficientCredentialDataError,
            castellan_exception.AuthTypeInvalidError) as exc:
        raise exception.KeyManagerUnavailable(
            reason="no key manager credential is configured ([key_manager] "
            "auth_type and its options): %s" % exc) from exc


class KeyManager:
    """Create, read and delete symmetric keys as a caller.

    ``credential``: a castellan credential (``KeystoneToken`` of the user
    whose request it is, or ``KeystonePassword`` of a service user).
    """

    def __init__(self, conf):
        key_manager_conf.register_opts(conf)
        self.conf = conf
        self.timeout = conf.key_manager.call_timeout
        self._api = castellan_key_manager.API(conf)
        self._callers = concurrent.futures.ThreadPoolExecutor(
            CALLERS, thread_name_prefix="key-manager")

    def create_key(self, credential, name=None):
        """A new random key; returns its id."""
        return self._call("create a key", None, self._api.create_key,
                          credential, algorithm=KEY_ALGORITHM,
                          length=KEY_BITS, name=name)

    def store_key(self, credential, key_bytes, name=None):
        """Keep ``key_bytes`` as a new key (a copy of another's); its id."""
        key = symmetric_key.SymmetricKey(KEY_ALGORITHM, len(key_bytes) * 8,
                                         key_bytes, name=name)
        return self._call("store a key", None, self._api.store, credential,
                          key)

    def get_key(self, credential, key_id):
        """The key's bytes."""
        return self._call("read key %s" % key_id, key_id, self._api.get,
                          credential, key_id).get_encoded()

    def delete_key(self, credential, key_id):
        """Delete a key; one already gone counts as deleted."""
        try:
            self._call("delete key %s" % key_id, key_id, self._api.delete,
                       credential, key_id)
        except exception.KeyNotFound:
            pass

    def _call(self, what, key_id, method, *args, **kwargs):
        future = self._callers.submit(method, *args, **kwargs)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            # The call goes on in its thread until castellan gives up; the
            # caller does not wait for it.
            raise exception.KeyManagerUnavailable(
                reason="could not %s: no answer within %ss" % (
                    what, self.timeout)) from None
        except castellan_exception.ManagedObjectNotFoundError as exc:
            raise exception.KeyNotFound(key_id=key_id) from exc
        except castellan_exception.Forbidden as exc:
            raise exception.KeyAccessDenied(reason="could not %s: %s" % (
                what, exc)) from exc
        except castellan_exception.KeyManagerError as exc:
            raise _translated(what, key_id, exc) from exc


def _translated(what, key_id, exc):
    """castellan folds Barbican's refusals into KeyManagerError, keeping
    the HTTP reason in its text."""
    text = str(exc)
    if "Forbidden" in text:
        return exception.KeyAccessDenied(reason="could not %s: %s" % (
            what, text))
    if key_id is not None and "Not Found" in text:
        return exception.KeyNotFound(key_id=key_id)
    return exception.KeyManagerUnavailable(reason="could not %s: %s" % (
        what, text))
