"""Keys in a key manager, reached only through castellan.

edgevol never holds a key longer than the operation that needs it, and
never in its database, configuration or logs: it keeps key ids. Every call
is bounded by ``[key_manager] call_timeout`` (castellan's Barbican backend
would wait forever on a hung Barbican), whatever backend castellan is
configured with.
"""

import concurrent.futures
import secrets
import threading
import time

from castellan.common import exception as castellan_exception
from castellan import key_manager as castellan_key_manager
from castellan.common.objects import symmetric_key
from castellan.common.credentials import keystone_password
from castellan.common import utils as castellan_utils
from keystoneauth1 import identity
from oslo_context import context as oslo_context
from oslo_log import log as logging

from edgevol.conf import key_manager as key_manager_conf
from edgevol import exception

LOG = logging.getLogger(__name__)

KEY_ALGORITHM = "AES"
KEY_BITS = 256
CALLERS = 8
"""Key manager calls in flight at once per process."""
DELETE_TRIES = 3
DELETE_PAUSE = 2.0
"""A key delete the key manager does not take is tried this often, this
many seconds apart; then it is logged for the operator (what owned the
key is gone either way: its data cannot be read without it)."""


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


class _PluginCredential(oslo_context.RequestContext):
    """A credential castellan authenticates with through our own
    keystoneauth plugin (castellan asks a RequestContext for
    ``get_auth_plugin``).

    Given a ``KeystonePassword``, castellan authenticates with the password
    on every call (a new session each time): ~250 ms of Keystone's password
    hashing per key call, measured here. One plugin per process keeps its
    token until it nears expiry and authenticates again then.
    """

    def __init__(self, plugin):
        super().__init__()
        self._plugin = plugin

    def get_auth_plugin(self):
        return self._plugin


_plugins = {}


def _plugin_credential(conf, credential):
    with _shared_lock:
        cached = _plugins.get(id(conf))
        if cached is None or cached[0] != credential:
            plugin = identity.Password(
                auth_url=credential.auth_url, username=credential.username,
                password=credential.password, user_id=credential.user_id,
                user_domain_id=credential.user_domain_id,
                user_domain_name=credential.user_domain_name,
                project_id=credential.project_id,
                project_name=credential.project_name,
                project_domain_id=credential.project_domain_id,
                project_domain_name=credential.project_domain_name,
                reauthenticate=True)
            cached = _plugins[id(conf)] = (credential,
                                          _PluginCredential(plugin))
        return cached[1]


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
        credential = castellan_utils.credential_factory(conf)
    except (castellan_exception.InsufficientCredentialDataError,
            castellan_exception.AuthTypeInvalidError) as exc:
        raise exception.KeyManagerUnavailable(
            reason="no key manager credential is configured ([key_manager] "
            "auth_type and its options): %s" % exc) from exc
    if isinstance(credential, keystone_password.KeystonePassword):
        return _plugin_credential(conf, credential)
    return credential


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

    def new_key(self, credential, name=None):
        """A new random key, made here and stored in one call; its id.

        castellan's ``create_key`` (a Barbican order) sleeps 0.25 s before
        it first looks at the order, then needs two more calls; this is one
        POST. The bytes come from the kernel's CSPRNG, as Barbican's
        simple_crypto makes them, and are dropped when stored.
        """
        return self.store_key(credential, secrets.token_bytes(KEY_BITS // 8),
                              name=name)

    def create_key(self, credential, name=None):
        """A new random key made by the key manager; returns its id."""
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


def delete_owned_key(conf, key_id, owner):
    """Delete the key ``key_id`` of ``owner`` (e.g. "volume <id>") with
    the service's credential, once what it encrypted is gone.

    Never raises: the owner is deleted whatever the key manager says; a
    key left behind is logged with its id for the operator.
    """
    if not key_id:
        return
    for attempt in range(1, DELETE_TRIES + 1):
        try:
            shared(conf).delete_key(service_credential(conf), key_id)
            return
        except exception.EdgevolError as exc:
            if attempt == DELETE_TRIES:
                LOG.error("%s is deleted but its key %s could not be: %s; "
                          "delete the secret by hand", owner.capitalize(),
                          key_id, exc)
                return
            LOG.warning("Deleting key %s of %s failed (%s); trying again",
                        key_id, owner, exc)
            time.sleep(DELETE_PAUSE)
