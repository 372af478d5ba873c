"""What the five agency services have in common: their spec, and how each one runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData

from phaseout_shared import (
    archive,
    disclosure,
    documents,
    evidence,
    referrals,
    register,
    supersession,
    web,
)
from phaseout_shared.aggregates import Repository
from phaseout_shared.db import PLATFORM
from phaseout_shared.migrations import PLATFORM_VERSIONS, REGISTER_VERSIONS
from phaseout_shared.reference import Agency, Dimension
from phaseout_shared.settings import Settings
from phaseout_shared.web import ConsumerSpec, ServiceSpec, create_app


def agency_spec(
    dimension: Dimension,
    *,
    description: str,
    versions: Path | None = None,
    metadata: MetaData | None = None,
    routers: Sequence[APIRouter] = (),
    consumers: Sequence[ConsumerSpec] = (),
    subscriptions: Sequence[referrals.Subscription] = (),
    on_startup: Sequence[Callable[[FastAPI], Awaitable[None]]] = (),
    evidence_targets: Mapping[str, Repository[Any]] | None = None,
    supersedable: Repository[Any] | None = None,
    resumed_by: frozenset[Agency] | None = None,
    files: Mapping[str, Callable[[Settings], int]] | None = None,
    describe: documents.Describe = documents.describe_generically,
) -> ServiceSpec:
    """An agency service: the register, its own routers, tables and migrations, its topic;
    evidence files and documents on the acts `evidence_targets` names (its cases, by default
    none), each act described for a document by `describe`; the cases a shutdown elsewhere
    supersedes (`supersedable`: the consumer that supersedes them, and the route by which
    `resumed_by`, by default the dimension's writers, resume them); routes that take a file as
    their body (`files`, each with its limit)."""
    superseding: list[Repository[Any]] = [supersedable] if supersedable is not None else []
    return ServiceSpec(
        name=dimension.value,
        version_locations=[PLATFORM_VERSIONS, REGISTER_VERSIONS, *([versions] if versions else [])],
        metadata=[PLATFORM, register.REGISTER, *([metadata] if metadata is not None else [])],
        routers=[
            register.router(dimension),
            disclosure.router(dimension),
            referrals.router(dimension, subscriptions),
            evidence.router(dimension, evidence_targets or {}),
            documents.router(dimension, evidence_targets or {}, describe),
            documents.public_router(),
            archive.router(dimension),
            *routers,
            *(supersession.router(dimension, cases, resumed_by) for cases in superseding),
        ],
        consumers=[
            *consumers,
            *(supersession.consumer(dimension, cases) for cases in superseding),
            *([referrals.consumer(dimension, subscriptions)] if subscriptions else []),
        ],
        description=description,
        on_startup=list(on_startup),
        files=dict(files or {}),
    )


def app_of(spec: ServiceSpec) -> FastAPI:
    """The service's app, configured from the environment."""
    return create_app(spec, Settings(service=spec.name))


def serve(spec: ServiceSpec) -> None:
    """Run the service with uvicorn on the configured host and port."""
    settings = Settings(service=spec.name)
    web.serve(create_app(spec, settings), settings)
