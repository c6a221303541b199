"""Undo and redo for hand edits: each saved change is a QUndoCommand on `workspace.undo_stack`.

Undo goes back through the editing service like any other change, so it is
checked, versioned and audited in its own right: the audit trail reads "edited",
then "edited" back, never a silent rewind. What undo does per change:

- an edit: the fields it changed are put back to their old values;
- an archive (or restore): the row is restored (or archived again);
- creating a supplier, brand, product or channel: it is archived (a channel
  made inactive), since something may already refer to it; redo restores it;
- recording a quote, purchase line, delivery or return: it is removed, with its
  values in the audit entry; redo puts it back under the same id;
- removing a return: it is put back under the same id.

If someone else changed the row in between (team mode), the undo is refused in
words, nothing is written, and the command leaves the stack.

Saving the settings screen is one command too (`SettingsChangeCommand`): undo
puts the settings, the user name and the tax categories back as they were,
audited as a change of its own, and re-scores as the save did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import N_, _
from sourcing_app.services.editing import EditingService, Saved
from sourcing_app.services.editing.rows import key_in_words, key_of
from sourcing_app.services.entities import ENTITIES
from sourcing_app.services.settings import save_from_screen
from sourcing_app.ui.shell.workspace import ScoredRun, Workspace

_ARCHIVABLE = ("supplier", "brand", "product", "channel")


class EditSession(QObject):
    """The editing service of one workspace, and what follows each saved change.

    After a change: the suppliers it moves are re-scored one by one
    (`workspace.rescore_suppliers`), or all of them in the background when it
    moves the whole portfolio or too many to do at once; then
    `workspace.data_changed` tells the screens. `problem` carries anything that
    went wrong in words (a refused undo, say); `saved` every change made.
    """

    saved = Signal(object)  # the Saved of a change made here, undo and redo included
    problem = Signal(str)  # a change that could not be made, in words

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.service = EditingService(workspace.engine, who=workspace.user_name)

    @classmethod
    def of(cls, workspace: Workspace) -> EditSession:
        """The one session of this workspace, made on first use."""
        session = workspace.findChild(EditSession)
        return session if isinstance(session, EditSession) else cls(workspace)

    def after_change(self, saved: Saved, *, rescore: bool = True) -> None:
        """Re-score whom `saved` moves (unless a full run follows anyway); tell the screens."""
        if saved.changed:
            if rescore:
                self._rescore(saved)
            self.workspace.data_edited(saved.entity)
        self.saved.emit(saved)

    def push(self, saved: Saved) -> None:
        """Put a change already saved on the undo stack (its first redo does nothing)."""
        self.after_change(saved)
        if saved.changed:
            self.workspace.undo_stack.push(SavedChangeCommand(self, saved))

    def archive(self, entity: str, entity_id: int) -> Saved | None:
        """Archive (supplier, brand, product), end (channel) or withdraw (quote), with undo.

        A quote is withdrawn as of the workspace's evaluation date. None, with
        `problem` emitted, when it could not be done.
        """
        return self._change(
            lambda version: self.service.archive(
                entity, entity_id, version, as_of=self.workspace.as_of
            ),
            entity,
            entity_id,
        )

    def restore(self, entity: str, entity_id: int) -> Saved | None:
        """Bring an archived supplier, brand or product (or an ended channel) back, with undo."""
        return self._change(
            lambda version: self.service.restore(entity, entity_id, version), entity, entity_id
        )

    def remove(self, entity: str, entity_id: int) -> Saved | None:
        """Remove a return (or another row nothing refers to), with undo putting it back."""
        return self._change(
            lambda version: self.service.remove(entity, entity_id, version), entity, entity_id
        )

    def _change(
        self, step: Callable[[int | str | None], Saved], entity: str, entity_id: int
    ) -> Saved | None:
        try:
            version = self.service.load(entity, entity_id)["version"]
            saved = step(version)
        except (BadInput, CannotFinish) as error:
            self.problem.emit(str(error))
            return None
        self.push(saved)
        return saved

    def settings_saved(
        self,
        before: SettingsState,
        after: SettingsState,
        changes: dict[str, Any],
        taxes: Sequence[Saved],
        *,
        on_rescored: Callable[[ScoredRun], None] | None = None,
    ) -> bool:
        """The settings screen saved: re-score, and put the save on the undo stack as one change.

        True when every supplier is being re-scored (`on_rescored` follows).
        """
        command = SettingsChangeCommand(self, before, after, taxes)
        everyone = command.follow_up(changes, taxes, on_rescored=on_rescored)
        if changes or any(saved.changed for saved in taxes):
            self.workspace.undo_stack.push(command)
        return everyone

    def rescore_everyone(self, on_done: Callable[[ScoredRun], None] | None = None) -> None:
        self.workspace.rescore_all(_("Re-scoring…"), on_done=on_done)

    def _rescore(self, saved: Saved) -> None:
        if self.workspace.scoring.last_run is None:
            return  # nothing has been scored yet; the first full run will see the change
        if saved.rescore_everyone or not self.workspace.rescore_suppliers(
            saved.rescore, catalogue=saved.catalogue
        ):
            self.rescore_everyone()


# What the Edit menu's Undo/Redo say of a change: the action, the kind of row, its key.
_UNDO_TEXTS = {
    "created": N_("New {entity} {key}"),
    "edited": N_("Edit {entity} {key}"),
    "archived": N_("Archive {entity} {key}"),
    "restored": N_("Restore {entity} {key}"),
    "withdrawn": N_("Withdraw {entity} {key}"),
    "removed": N_("Remove {entity} {key}"),
}

# The kind of row, as a buyer names it (the English is the editing service's label).
ENTITY_WORDS = {
    "supplier": N_("supplier"),
    "brand": N_("brand"),
    "product": N_("product"),
    "tax_category": N_("tax category"),
    "channel": N_("channel"),
    "quote": N_("quote"),
    "purchase": N_("purchase line"),
    "delivery": N_("delivery"),
    "return": N_("return"),
}


def entity_word(entity: str) -> str:
    """'supplier', 'purchase line'; in Chinese 供应商, 采购明细."""
    word = ENTITY_WORDS.get(entity)
    return _(word) if word else ENTITIES[entity].label


def undo_text(saved: Saved) -> str:
    """'Edit supplier S-COMP'; in Chinese '编辑供应商 S-COMP'."""
    template = _UNDO_TEXTS.get(saved.action)
    key = key_in_words(saved.entity, key_of(saved.label))
    if template is None:
        return f"{saved.action.capitalize()} {saved.label}"
    return _(template).format(entity=entity_word(saved.entity), key=key)


class SavedChangeCommand(QUndoCommand):
    """One saved change; `undo` and `redo` go through the editing service."""

    def __init__(self, session: EditSession, saved: Saved) -> None:
        super().__init__(undo_text(saved))
        self.session = session
        self.first = saved  # as it was saved: before and after never change
        self.version = saved.version  # the row's version now, tracked across undo and redo
        self.row_id = saved.id
        self._skip_redo = True  # pushing calls redo; the change is already saved
        self.failure = ""
        self.rescore = True  # False while a change around it re-scores everyone anyway

    # --- QUndoCommand -----------------------------------------------------------------

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._run(self._forward)

    def undo(self) -> None:
        self._run(self._backward)

    # --- the two directions ------------------------------------------------------------

    def _forward(self, service: EditingService) -> Saved:
        first = self.first
        entity = first.entity
        if first.action == "created":
            if entity in _ARCHIVABLE:
                return service.restore(entity, self.row_id, self.version)
            return service.reinsert(entity, first.after)
        if first.action in ("archived", "restored"):
            if first.action == "archived":
                return service.archive(entity, self.row_id, self.version)
            return service.restore(entity, self.row_id, self.version)
        if not first.after:  # removed (a quote withdrawn before it started, say)
            return service.remove(entity, self.row_id, self.version, why=first.action)
        return service.edit(entity, self.row_id, self.version, self._fields(first.after))

    def _backward(self, service: EditingService) -> Saved:
        first = self.first
        entity = first.entity
        if first.action == "created":
            if entity in _ARCHIVABLE:
                return service.archive(entity, self.row_id, self.version)
            return service.remove(entity, self.row_id, self.version, why="undone")
        if first.action == "archived":
            return service.restore(entity, self.row_id, self.version)
        if first.action == "restored":
            return service.archive(entity, self.row_id, self.version)
        if not first.after:
            return service.reinsert(entity, first.before)
        return service.edit(entity, self.row_id, self.version, self._fields(first.before))

    def _fields(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: values[name] for name in ENTITIES[self.first.entity].names}

    def _run(self, step: Callable[[EditingService], Saved]) -> None:
        try:
            saved = step(self.session.service)
        except (BadInput, CannotFinish) as error:
            # Qt has already moved the stack's index; drop this command so the
            # stack never claims a state the database is not in.
            self.failure = _("{change} could not be undone or redone: {reason}").format(
                change=self.text(), reason=error
            )
            self.setObsolete(True)
            self.session.problem.emit(self.failure)
            return
        self.version = saved.version
        self.session.after_change(saved, rescore=self.rescore)


class SettingsState(NamedTuple):
    """The settings as stored at one moment, with the user name set in Settings ("" for none)."""

    settings: ScoringSettings
    user_name: str


class SettingsChangeCommand(QUndoCommand):
    """One save of the settings screen: settings, user name and tax categories together.

    Undo writes the settings back through `save_from_screen`, which checks that
    nobody saved other settings in between and audits the change back; the tax
    categories go back through the editing service like any catalogue edit.
    """

    def __init__(
        self,
        session: EditSession,
        before: SettingsState,
        after: SettingsState,
        taxes: Sequence[Saved],
    ) -> None:
        super().__init__(_("Save settings"))
        self.session = session
        self.before = before
        self.after = after
        self.taxes = [SavedChangeCommand(session, saved) for saved in taxes if saved.changed]
        self._skip_redo = True  # pushing calls redo; the save is already done
        self.failure = ""

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._put(self.before, self.after, [(tax, tax._forward) for tax in self.taxes])

    def undo(self) -> None:
        steps = [(tax, tax._backward) for tax in reversed(self.taxes)]
        self._put(self.after, self.before, steps, taxes_first=True)

    def follow_up(
        self,
        changes: dict[str, Any],
        taxes: Sequence[Saved],
        *,
        on_rescored: Callable[[ScoredRun], None] | None = None,
    ) -> bool:
        """After settings and tax categories changed: tell the screens and re-score.

        A setting other than the user name moves everyone, in the background; a
        tax category alone moves only the suppliers quoting its products. True
        when everyone is re-scored.
        """
        everyone = any(key != "user_name" for key in changes)
        for saved in taxes:
            self.session.after_change(saved, rescore=not everyone)
        if changes:
            self.session.workspace.settings_changed.emit()
        if everyone:
            self.session.rescore_everyone(on_rescored)
        return everyone

    def _put(
        self,
        now: SettingsState,
        wanted: SettingsState,
        tax_steps: list[tuple[SavedChangeCommand, Callable[[EditingService], Saved]]],
        *,
        taxes_first: bool = False,
    ) -> None:
        changes: dict[str, Any] = {}
        taxes: list[Saved] = []
        try:
            if not taxes_first:
                changes = self._put_settings(now, wanted)
            for command, step in tax_steps:
                saved = step(self.session.service)
                command.version = saved.version
                taxes.append(saved)
            if taxes_first:
                changes = self._put_settings(now, wanted)
        except (BadInput, CannotFinish) as error:
            # Qt has already moved the stack's index; drop this command so the
            # stack never claims a state the database is not in.
            self.failure = _("{change} could not be undone or redone: {reason}").format(
                change=self.text(), reason=error
            )
            self.setObsolete(True)
            self.session.problem.emit(self.failure)
        self.follow_up(changes, taxes)

    def _put_settings(self, now: SettingsState, wanted: SettingsState) -> dict[str, Any]:
        if now == wanted:
            return {}
        workspace = self.session.workspace
        return save_from_screen(
            workspace.engine,
            wanted.settings,
            wanted.user_name,
            opened=now.settings,
            opened_user_name=now.user_name,
            who=workspace.user_name(),
        )
