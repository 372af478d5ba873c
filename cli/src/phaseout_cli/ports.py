"""The services' HTTP ports on the local profile (the tests shift them per slot)."""

PORTS: dict[str, int] = {
    "aggregator": 8100,
    "energy": 8101,
    "environment": 8102,
    "quality": 8103,
    "safety": 8104,
    "technology": 8105,
}
