"""Rasa's socket.io channel (the website widget), hardened and with the widget's customData.

The stock channel (rasa.core.channels.socketio) does not await `enter_room` (a coroutine
in the python-socketio Rasa 3.6 installs), so with session persistence no reply reaches
the widget; it crashes the handler on a payload that is not a dict or on customData that
is not JSON; and it forgets the customData of the `session_request` event. This subclass
keeps the stock connection handling (JWT) and replaces the two event handlers:

- `session_request`: remembers the widget's customData for the session;
- `user_uttered`: accepts only a dict with a text message, turns customData (dict or JSON
  text) into message metadata, merged over what the session sent, and answers anything
  else with a short error event instead of an exception.

The channel keeps the name "socketio", so Rasa's `output_channel=latest` (agent replies
during a handoff) still finds it.
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

logger = logging.getLogger(__name__)

ERROR_EVENT = "kestrel_error"
MAX_METADATA_CHARS = 10_000
MAX_SESSIONS_REMEMBERED = 10_000


def metadata_from(value: Any) -> dict[str, Any]:
    """Message metadata from the widget's customData: a dict, or JSON text of one."""
    if isinstance(value, str):
        if len(value) > MAX_METADATA_CHARS:
            return {}
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return dict(value) if isinstance(value, dict) else {}


class WidgetSocketIOInput(SocketIOInput):
    """The socket.io channel for the website widget (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # customData of each session's `session_request`, for messages that lack it.
        self._session_metadata: dict[str, dict[str, Any]] = {}

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """The stock blueprint with our `session_request` and `user_uttered` handlers."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the stock blueprint

        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id.strip():
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                # A coroutine in python-socketio 5.x: the stock channel never awaits it, so
                # its replies to the session's room reached nobody.
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            metadata = metadata_from(data.get(self.metadata_key))
            if metadata:
                self._remember(session_id, metadata)
            await sio.emit("session_confirm", session_id, room=sid)

        async def handle_message(sid: str, data: Any) -> None:
            if isinstance(data, dict) and data.get("message") is None:
                return  # rasa-webchat's empty "init payload" when none is configured
            if not isinstance(data, dict) or not isinstance(data.get("message"), str):
                await sio.emit(ERROR_EVENT, {"error": "expected {message: text}"}, room=sid)
                return
            session_id = data.get("session_id")
            if self.session_persistence:
                if not isinstance(session_id, str) or not session_id.strip():
                    await sio.emit(
                        ERROR_EVENT, {"error": "send session_request first"}, room=sid
                    )
                    return
                sender_id = session_id
            else:
                sender_id = sid
            metadata = {
                **self._session_metadata.get(sender_id, {}),
                **metadata_from(data.get(self.metadata_key)),
            }
            message = UserMessage(
                data["message"],
                SocketIOOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            await on_new_message(message)

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return blueprint

    def _remember(self, session_id: str, metadata: dict[str, Any]) -> None:
        if len(self._session_metadata) >= MAX_SESSIONS_REMEMBERED:
            # Oldest first (dicts keep insertion order); widgets resend customData anyway.
            self._session_metadata.pop(next(iter(self._session_metadata)))
        self._session_metadata[session_id] = metadata
