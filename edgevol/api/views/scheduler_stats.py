"""scheduler-stats and capabilities bodies."""

from edgevol.api.views import common


def pools(pools, detail):
    if not detail:
        return {"pools": [{"name": pool["name"]} for pool in pools]}
    return {"pools": [{
        "name": pool["name"],
        "capabilities": dict(pool["capabilities"], timestamp=common.isotime(
            pool["capabilities"]["timestamp"])),
    } for pool in pools]}
