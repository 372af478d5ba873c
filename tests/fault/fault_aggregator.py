"""The aggregator as a process, in a consumer group of its own (for the fault tests).

The aggregator's code and wiring (`phaseout_aggregator.main.SPEC`), with its consumer renamed
from `FAULT_GROUP`: the fault tests run it beside the in-process platform of the other tests,
which consumes the same topics in the group `aggregator`; sharing that group would split the
partitions between them. Settings come from the environment, as for `phaseout-aggregator`.
"""

from __future__ import annotations

import dataclasses
import os

import uvicorn

from phaseout_aggregator.main import SPEC
from phaseout_shared.settings import Settings
from phaseout_shared.web import create_app


def main() -> None:
    group = os.environ["FAULT_GROUP"]
    spec = dataclasses.replace(
        SPEC, consumers=[dataclasses.replace(c, name=group) for c in SPEC.consumers]
    )
    settings = Settings(service="aggregator")
    uvicorn.run(
        create_app(spec, settings),
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
