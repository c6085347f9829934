"""A customer's own hourly data (XML 80020) uploaded on «Передача показаний», categories 3–6.

The page keeps the files and answers at once; the worker (core.jobs, within the
upload time limit) reads them with the operators' own checks
(`meters.format80020`, only this contract's delivery points count) and stores
the hours (`meters.hourly.store`), all or none. The calculator's profile checks
(flat, a drop in the peak hours, last month repeated) are warnings: the files are
saved only once the person has seen them and ticked «Сохранить, несмотря на
предупреждения».
"""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from core import jobs
from meters import format80020, hourly
from meters.models import HourlyVolume

KIND = "hourly80020"
# A month of daily files, and a little more.
MAX_FILES = 62
MAX_FILE_BYTES = 2 * 1024 * 1024
HOURLY_CATEGORIES = (3, 4, 5, 6)


def submit(contract, uploads, *, user, confirm_warnings: bool):
    """Keep the files and let the worker check and store them (meters.tasks); returns the job."""
    from meters import tasks

    files = {f"file{n}": upload for n, upload in enumerate(uploads)}
    return jobs.submit(
        KIND, files, contract=contract, user=user,
        params={"confirm_warnings": confirm_warnings}, task=tasks.process_hourly_upload,
    )  # fmt: skip


def read_job(job, paths: dict[str, Path]) -> format80020.Checked:
    """Every file of the job checked against the contract's own delivery points."""
    names = {f["field"]: f["name"] for f in job.files}
    files = [format80020.read_file(path, names[field]) for field, path in paths.items()]
    return format80020.check(
        files,
        hourly.points_by_code([job.contract]),
        contract=job.contract,
        today=timezone.localdate(),
    )


def save_job(job, checked: format80020.Checked) -> dict:
    """Store the hours when nothing is wrong and any warning was confirmed; the outcome."""
    if checked.issues:
        return {"saved": False, "problems": [str(issue) for issue in checked.issues]}
    warnings = hourly.profile_warnings(checked.volumes, checked.points)
    if warnings and not job.params.get("confirm_warnings"):
        return {"saved": False, "problems": [], "warnings": warnings}
    counts = hourly.store(checked.volumes, HourlyVolume.Source.METERING)
    days = checked.days()
    return {
        "saved": True,
        "problems": [],
        "warnings": warnings,
        "hours": len(checked.volumes),
        "created": counts["created"],
        "updated": counts["updated"],
        "first": f"{days[0]:%d.%m.%Y}",
        "last": f"{days[-1]:%d.%m.%Y}",
    }
