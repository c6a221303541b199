"""A unit of work owns one transaction. Repositories never commit (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session


class UnitOfWork:
    """`with UnitOfWork(engine) as uow:` commits on success and rolls back on any error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session: Session | None = None

    def __enter__(self) -> Session:
        self.session = Session(self.engine, expire_on_commit=False)
        return self.session

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self.session is not None
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
            self.session = None


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    with UnitOfWork(engine) as session:
        yield session
