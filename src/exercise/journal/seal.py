"""Seals: exercise control's signature over the head of a session's hash chain.

The hash chain alone catches accidents, not forgers: anyone who can write the session can
re-chain it. A seal is a journal event (``journal.sealed``, actor ``control``) carrying an
Ed25519 signature, made with control's private key, over the session's genesis hash, the
seq and the hash of the event before it. Whoever holds control's public key (or only its
fingerprint, printed in the after-action report) can then check that the history up to
each seal is the one control sealed: rewriting, re-chaining or dropping sealed events
breaks a signature, and events after the last seal are reported as unsealed.

Control's key pair lives outside the session: ``$EXERCISE_KEY`` names the private key file,
else ``$XDG_CONFIG_HOME/exercise/control.key`` (``~/.config/...``). It is made on first use
(mode 0600); the public key is kept beside it as ``control.pub``. Each seal also leaves a
*receipt* (the last seal made of each session) in the ``seals/`` folder beside the key, so
that ``exercise verify --key`` can tell when sealed events were cut off the end.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from exercise.journal.base import JournalError, NewEvent, canonical_json

if TYPE_CHECKING:  # cryptography loads when a key or a seal is used, not with the journal
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

#: The event type of a seal.
SEALED = "journal.sealed"
#: Who seals: exercise control.
SEAL_ACTOR = "control"
#: The environment variable naming control's private key file.
KEY_ENV = "EXERCISE_KEY"
_KEY_NAME = "control.key"
_PUB_NAME = "control.pub"
_RECEIPTS = "seals"
_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")


class KeyProblem(JournalError):
    """A key file that cannot be used; the message says what to do."""


@attrs.frozen
class ControlKey:
    """Control's key pair (``private`` is None when only the public key is known)."""

    public: Ed25519PublicKey
    private: Ed25519PrivateKey | None = None
    path: Path | None = None  #: the file it was read from

    @property
    def raw_public(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.raw_public)

    @property
    def receipts(self) -> Path | None:
        """The folder of seal receipts beside the key file."""
        return None if self.path is None else self.path.parent / _RECEIPTS


def fingerprint(raw_public: bytes) -> str:
    """``SHA256:`` and the unpadded base64 of the raw public key's SHA-256 (as OpenSSH)."""
    digest = hashlib.sha256(raw_public).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def default_key_path() -> Path:
    """Where control's private key is kept unless ``--key`` says otherwise."""
    named = os.environ.get(KEY_ENV)
    if named:
        return Path(named).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "exercise" / _KEY_NAME


def public_path(private_path: Path) -> Path:
    return (
        private_path.with_name(_PUB_NAME)
        if private_path.name == _KEY_NAME
        else (private_path.with_name(private_path.name + ".pub"))
    )


def load_or_create_key(path: Path | None = None) -> ControlKey:
    """Control's key pair from ``path`` (default :func:`default_key_path`), made there
    (mode 0600, the public key beside it) when there is none yet."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = path or default_key_path()
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # made by another process meanwhile: use that one
            return load_key(path)
        except OSError as error:
            raise KeyProblem(f"cannot create control's key {path}: {error.strerror}") from None
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        public_path(path).write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        return ControlKey(key.public_key(), key, path)
    return load_key(path)


#: Largest key file read (a PEM key is a few hundred bytes).
_MAX_KEY_BYTES = 64 * 1024


def load_key(path: Path) -> ControlKey:
    """A key file: a private key (PKCS#8 PEM, unencrypted) or a public key (PEM); for a
    public key, a file holding only its fingerprint (``SHA256:...``) is refused here."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    try:
        if path.exists() and not path.is_file():  # a FIFO would block, a device never end
            raise KeyProblem(f"{path} is not a regular file, so not a key file")
        if path.exists() and path.stat().st_size > _MAX_KEY_BYTES:
            raise KeyProblem(f"{path} is too large to be a key file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyProblem(f"there is no key file {path}") from None
    except OSError as error:
        raise KeyProblem(f"cannot read key file {path}: {error.strerror}") from None
    if b"PRIVATE KEY" in data:
        if path.stat().st_mode & 0o077:
            raise KeyProblem(
                f"control's private key {path} can be read by others: "
                f"run chmod 600 {path} (and consider it compromised if it was shared)"
            )
        try:
            private = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as error:
            raise KeyProblem(f"{path} is not a usable private key: {error}") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyProblem(f"{path} is not an Ed25519 key")
        return ControlKey(private.public_key(), private, path)
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise KeyProblem(
            f"{path} is not a key file (expected an Ed25519 key in PEM, such as control.pub)"
        ) from None
    if not isinstance(public, Ed25519PublicKey):
        raise KeyProblem(f"{path} is not an Ed25519 key")
    return ControlKey(public, None, path)


@attrs.frozen
class Trusted:
    """What a verifier trusts: a public key (with its receipts) or only a fingerprint."""

    fingerprint: str
    key: ControlKey | None = None

    @classmethod
    def parse(cls, text: str) -> Trusted:
        """A ``--key`` argument: a key file, or a fingerprint ``SHA256:...``."""
        if _FINGERPRINT.fullmatch(text.strip()):
            return cls(text.strip())
        key = load_key(Path(text).expanduser())
        return cls(key.fingerprint, key)


def _message(genesis: str, seq: int, head: str) -> bytes:
    body = {"session": genesis, "seq": seq, "head": head}
    return f"exercise-seal-1\n{canonical_json(body)}".encode()


def seal_event(
    key: ControlKey, genesis: str, seq: int, head: str, wall_us: int, game_ms: int
) -> NewEvent:
    """The seal of a session whose chain starts at ``genesis`` and ends at ``(seq, head)``."""
    if key.private is None:
        raise KeyProblem("sealing needs control's private key, not only its public key")
    from exercise.model.events import JournalSealed

    signature = key.private.sign(_message(genesis, seq, head))
    data = JournalSealed(
        seq=seq,
        head=head,
        key=key.fingerprint,
        public_key=base64.b64encode(key.raw_public).decode("ascii"),
        signature=base64.b64encode(signature).decode("ascii"),
    )
    return NewEvent.of(data, SEAL_ACTOR, wall_us, game_ms)


@attrs.frozen
class Seal:
    """A seal as found in a journal (its signature checked against the key it names)."""

    event_seq: int  #: the seal event's own seq
    seq: int  #: the last event it covers
    head: str
    key: str  #: fingerprint of the key that signed
    wall_us: int
    hash: str = ""  #: the seal event's own hash


def check_seal(
    genesis: str, seq: int, prev_hash: str, actor: str, payload: Mapping[str, Any], wall_us: int
) -> Seal | str:
    """The seal recorded as event ``seq`` (following ``prev_hash``), or why it is not one."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if actor != SEAL_ACTOR:
        return f"event {seq}: a seal entered by {actor!r}, not by control"
    try:
        raw = base64.b64decode(str(payload["public_key"]), validate=True)
        signature = base64.b64decode(str(payload["signature"]), validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
        sealed_seq, head = int(payload["seq"]), str(payload["head"])
    except (KeyError, ValueError, TypeError, binascii.Error):
        return f"event {seq}: a malformed seal"
    if sealed_seq != seq - 1 or head != prev_hash:
        return f"event {seq}: the seal does not cover the event before it"
    try:
        public.verify(signature, _message(genesis, sealed_seq, head))
    except InvalidSignature:
        return f"event {seq}: the seal's signature does not match (forged or re-chained)"
    if payload.get("key") != fingerprint(raw):
        return f"event {seq}: the seal names another key than the one that signed it"
    return Seal(seq, sealed_seq, head, fingerprint(raw), wall_us)


# ------------------------------------------------------------------------- receipts


@attrs.frozen
class Receipt:
    """The last seal control made of one session (kept beside the key)."""

    seq: int  #: the seal event's seq
    hash: str  #: the seal event's hash
    wall_us: int


def _receipt_file(folder: Path, genesis: str) -> Path:
    return folder / f"{genesis}.json"


def save_receipt(key: ControlKey, genesis: str, receipt: Receipt, address: str) -> None:
    """Remember ``receipt`` as the latest seal of the session (never going backwards)."""
    folder = key.receipts
    if folder is None:
        return
    old = load_receipt(folder, genesis)
    if old is not None and old.seq >= receipt.seq:
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = _receipt_file(folder, genesis)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    record = {**attrs.asdict(receipt), "session": address}
    tmp.write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def load_receipt(folder: Path, genesis: str) -> Receipt | None:
    try:
        record = json.loads(_receipt_file(folder, genesis).read_text(encoding="utf-8"))
        return Receipt(int(record["seq"]), str(record["hash"]), int(record["wall_us"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise KeyProblem(
            f"the seal receipt {_receipt_file(folder, genesis)} is unreadable"
        ) from None
