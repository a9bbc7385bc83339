"""os-availability-zone body."""


def index(zones):
    return {"availabilityZoneInfo": [
        {"zoneName": zone["name"],
         "zoneState": {"available": zone["available"]}}
        for zone in zones]}
