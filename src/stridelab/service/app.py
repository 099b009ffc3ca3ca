"""The FastAPI application: routes over the same functions as the CLI (``import``, ``runners``,
``history``, ``report``), with bearer-token authentication on every data route.

Answers: 401 for a missing, unknown or revoked token; 404 for a runner or job that does not exist
*or is not the caller's* (the two are not told apart); 403 when a runner token tries to create a
runner; 413 for an upload over the size limit; 415 for content that is no supported recording;
422 when every uploaded file failed to be analysed; 429 over the per-token rate limit.
The dashboard (``/``) and the API description (``/openapi.json``, ``/docs``) hold no data and need no token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from stridelab._version import __version__
from stridelab.errors import StridelabError
from stridelab.service.config import ServiceConfig
from stridelab.service.jobs import Job, JobRunner, new_job_id
from stridelab.service.limits import AccessLog, BodyLimit, RateLimiter
from stridelab.service.uploads import Upload, UploadTooLarge, save_upload
from stridelab.store import Store
from stridelab.store.access import (
    Principal,
    RunnerRef,
    authenticate,
    create_runner,
    find_runner,
    grant,
    visible_runners,
)

STATIC = Path(__file__).with_name("static")
_bearer = HTTPBearer(auto_error=False, description="An API token from 'stridelab token create'.")
RunnerId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


class RunnerIn(BaseModel):
    """A new runner: ``id`` (unique among the caller's runners) and an optional display name."""

    id: RunnerId
    name: str | None = Field(default=None, max_length=200)


class GrantIn(BaseModel):
    """A user (a coach's name, or a runner token's user) to give access to a runner."""

    user: RunnerId


class RunnerOut(BaseModel):
    id: str
    name: str | None
    n_sessions: int
    first_date: str | None
    last_date: str | None


def principal(request: Request, cred: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    """The caller, from ``Authorization: Bearer TOKEN`` (401 otherwise), within the token's rate limit (429)."""
    st = request.app.state
    p = authenticate(st.store, cred.credentials) if cred is not None and cred.scheme.lower() == "bearer" else None
    if p is None:
        raise HTTPException(401, "missing, unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    wait = st.limiter.allow(p.token_id)
    if wait > 0:
        raise HTTPException(429, "too many requests for this token", headers={"Retry-After": str(max(1, round(wait)))})
    return p


User = Annotated[Principal, Depends(principal)]


def create_app(config: ServiceConfig | None = None) -> FastAPI:
    """The service over the record ``config.db``."""
    cfg = config or ServiceConfig()
    store = Store(cfg.db)
    jobs = JobRunner(store.url, cfg.workers, cfg.parse_timeout_s, cfg.parse_memory_bytes)
    limiter = RateLimiter(cfg.rate_per_s, cfg.burst)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        yield
        store.close()

    app = FastAPI(title="stridelab", version=__version__, lifespan=lifespan,
                  description="Running metrics, history and injury-risk screening flags of your runners "
                              "(flags are associated with injury in studies; they are not a diagnosis).")
    app.state.config, app.state.store, app.state.jobs, app.state.limiter = cfg, store, jobs, limiter

    def runner_of(p: Principal, runner_id: str) -> RunnerRef:
        ref = find_runner(store, p, runner_id)
        if ref is None:
            raise HTTPException(404, "no such runner")
        return ref

    @app.exception_handler(StridelabError)
    async def _stridelab_error(_r: Request, e: StridelabError) -> JSONResponse:
        return JSONResponse({"detail": e.message}, status_code=400 if e.exit_code == 2 else 422)

    @app.get("/health", tags=["service"])
    def health(p: User) -> dict[str, Any]:
        """The service is up and its database answers."""
        store.runner_id("", "")
        return {"status": "ok", "version": __version__, "database": store.dialect}

    @app.post("/runners", status_code=201, response_model=RunnerOut, tags=["runners"],
              responses={403: {"description": "runner tokens cannot create runners"}, 409: {"description": "id already used"}})
    def post_runner(body: RunnerIn, p: User) -> dict[str, Any]:
        """Add a runner to the caller's runners (a coach owns the runners they create)."""
        try:
            return create_runner(store, p, body.id.strip(), body.name).to_json()
        except PermissionError as e:
            raise HTTPException(403, str(e)) from None
        except StridelabError as e:
            raise HTTPException(409, e.message) from None

    @app.get("/runners", response_model=list[RunnerOut], tags=["runners"])
    def get_runners(p: User) -> list[dict[str, Any]]:
        """The runners the caller may see, with their sessions (same fields as ``stridelab runners``)."""
        return [r.to_json() for r in visible_runners(store, p)]

    @app.post("/runners/{runner_id}/grants", status_code=201, tags=["runners"],
              responses={403: {"description": "only the runner's owner or an admin may grant"}})
    def post_grant(runner_id: str, body: GrantIn, p: User) -> dict[str, str]:
        """Give another user (a colleague, or the runner's own token) access to one of your runners."""
        ref = runner_of(p, runner_id)
        if not (p.role == "admin" or (p.role == "coach" and ref.owner == p.user)):
            raise HTTPException(403, "only the runner's owner or an admin may grant access")
        grant(store, ref.code, body.user.strip(), ref.owner)
        return {"runner": ref.code, "user": body.user.strip()}

    @app.get("/runners/{runner_id}/history", tags=["record"])
    def get_history(runner_id: str, p: User, metric: str | None = None) -> dict[str, Any]:
        """The ``stridelab history --json`` document: sessions, changes beyond noise (MDC95), flags."""
        from stridelab.history import history_document, load_record

        ref = runner_of(p, runner_id)
        return history_document(load_record(store, ref.code, ref.owner), metric, cfg.thresholds)

    @app.get("/runners/{runner_id}/flags", tags=["record"])
    def get_flags(runner_id: str, p: User) -> dict[str, Any]:
        """Injury-risk screening flags with their evidence (associated with injury; not a diagnosis)."""
        from stridelab.history import history_document, load_record

        ref = runner_of(p, runner_id)
        doc = history_document(load_record(store, ref.code, ref.owner), None, cfg.thresholds)
        return {"runner": doc["runner"], "flags": doc["flags"], "disclaimer": doc["disclaimer"]}

    @app.get("/runners/{runner_id}/report", tags=["record"], response_class=HTMLResponse,
             responses={200: {"content": {"text/html": {}, "application/pdf": {}}}})
    def get_report(runner_id: str, p: User, request: Request) -> Response:
        """The longitudinal report (``stridelab report``): HTML, or an A4 PDF when ``Accept: application/pdf``."""
        from stridelab.history import load_record
        from stridelab.report.record import render_record, write_pdf

        ref = runner_of(p, runner_id)
        record = load_record(store, ref.code, ref.owner)
        if "application/pdf" in request.headers.get("accept", ""):
            with tempfile.TemporaryDirectory() as tmp:
                path = write_pdf(record, Path(tmp) / "report.pdf", cfg.thresholds)
                return Response(Path(path).read_bytes(), media_type="application/pdf")
        return HTMLResponse(render_record(record, cfg.thresholds, for_pdf=False))

    @app.post("/runners/{runner_id}/sessions", status_code=201, tags=["record"],
              responses={202: {"description": "accepted: poll GET /jobs/{job}"}, 413: {"description": "too large"},
                         415: {"description": "not a supported recording"}, 422: {"description": "no file could be analysed"}})
    async def post_sessions(
        runner_id: str,
        p: User,
        files: Annotated[list[UploadFile], File(description="Recordings (any supported input; the type is read from the content).")],
        static: Annotated[UploadFile | None, File(description="Standing calibration trial (marker recordings).")] = None,
        forces: Annotated[UploadFile | None, File(description="Separate force file (text or MOT).")] = None,
        mass_kg: Annotated[float | None, Form(gt=0, lt=500)] = None,
        date: Annotated[dt.date | None, Form(description="Session date (default: the file's own date, else today).")] = None,
    ) -> JSONResponse:
        """Analyse and store recordings (``stridelab import``): the analysis JSON of each file, or a job id
        (202) for long work such as video; ``GET /jobs/{job}`` gives progress and result."""
        ref = await run_in_threadpool(runner_of, p, runner_id)
        if not files or len(files) > cfg.max_files:
            raise HTTPException(400, f"give 1 to {cfg.max_files} files")
        saved: list[Upload] = []
        extra: dict[str, Upload | None] = {}
        try:
            for up in files:
                saved.append(await run_in_threadpool(save_upload, up.file, up.filename, cfg.upload_dir, cfg.max_upload_bytes))
            for role, up2 in (("static", static), ("forces", forces)):
                extra[role] = None if up2 is None else await run_in_threadpool(save_upload, up2.file, up2.filename, cfg.upload_dir, cfg.max_upload_bytes)
        except UploadTooLarge as e:
            raise HTTPException(413, e.message) from None
        except StridelabError as e:
            raise HTTPException(415, e.message) from None
        st, fo = extra.get("static"), extra.get("forces")
        job = Job(new_job_id(), p.user, ref.code, ref.owner, [(u.path, u.name) for u in saved],
                  static=st.path if st else None, forces=fo.path if fo else None, mass_kg=mass_kg, date=date)
        try:
            jobs.submit(job)
        except OverflowError as e:
            raise HTTPException(503, str(e)) from None
        if not any(u.is_video for u in saved):
            deadline = time.monotonic() + cfg.sync_wait_s
            while not job.done.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if not job.done.is_set():
            return JSONResponse(job.to_json(), status_code=202)
        return JSONResponse(job.to_json(), status_code=201 if job.state == "done" else 422)

    @app.get("/jobs/{job_id}", tags=["record"])
    def get_job(job_id: str, p: User) -> dict[str, Any]:
        """Progress and result of an upload job (only the user who started it, or an admin, sees it)."""
        job = jobs.get(job_id)
        if job is None or (job.user != p.user and p.role != "admin"):
            raise HTTPException(404, "no such job")
        return job.to_json()

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self' data: blob:; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    app.add_middleware(BodyLimit, max_bytes=cfg.max_upload_bytes)
    app.add_middleware(AccessLog)
    return app


__all__ = ["create_app"]
