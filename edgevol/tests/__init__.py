# oslo.service's backend must be chosen before oslo.messaging is imported;
# tests run on the threading backend, as the services do by default (the
# eventlet smoke tests run services in subprocesses).
from oslo_service import backend as _backend

_backend.init_backend(_backend.BackendType.THREADING)
