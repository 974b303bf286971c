"""A QR code of one public web address, with a line saying what scanning it does and the address in words.

Used for a page's own address (`url =` in its header: "Scan to read this page on your phone") and for a slide's web
links. Only the address the content's author wrote goes into the code: never anything about the patient.
"""

from __future__ import annotations

import io

from kiosk.qt import QHBoxLayout, QImage, QLabel, QPixmap, QSizePolicy, Qt, QVBoxLayout, QWidget

# Dark modules on white with segno's four-module quiet zone: what phone cameras read, also on a dark slide.
_BORDER = 4


def qr_image(address: str, width: int) -> QImage:
    """The address as a QR code about `width` pixels wide (whole pixels per module, so every edge stays crisp)."""
    import segno  # here: only a page or slide with a web address needs it, not the kiosk's start-up

    code = segno.make(address, error="m")
    modules = code.symbol_size(scale=1, border=_BORDER)[0]
    png = io.BytesIO()
    code.save(png, kind="png", scale=max(2, width // modules), border=_BORDER)
    return QImage.fromData(png.getvalue())


class WebCode(QWidget):
    """The code on the left, its words beside it; hidden while there is no address."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)  # a tap goes to the screen under it
        self.picture = QLabel()
        self.picture.setObjectName(f"{object_name}Picture")
        self.words = QLabel()
        self.words.setObjectName(f"{object_name}Words")
        self.words.setWordWrap(True)
        self.words.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.address = QLabel()
        self.address.setObjectName(f"{object_name}Address")
        self.address.setWordWrap(True)
        # An address has no spaces to wrap at: break it anywhere rather than widen the screen.
        self.address.setTextFormat(Qt.TextFormat.PlainText)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.addStretch(1)
        text.addWidget(self.words)
        text.addWidget(self.address)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(text, 1)
        self.target = ""
        self._shown: tuple[str, str, int] | None = None
        self.hide()

    def show_code(self, address: str | None, words: str, width: int) -> None:
        """Show `address` as a code about `width` pixels wide with `words` beside it; None hides it."""
        self.target = address or ""
        self.setVisible(bool(address))
        if not address or self._shown == (address, words, width):
            return  # a code is made again only for a new address, words or size
        self._shown = (address, words, width)
        pixmap = QPixmap.fromImage(qr_image(address, width))
        self.picture.setPixmap(pixmap)
        self.picture.setFixedSize(pixmap.size())  # never squeezed: a code cut short cannot be scanned
        self.words.setText(words)
        # Zero-width spaces after each slash let a long address wrap where a reader expects it.
        self.address.setText(address.replace("/", "/\u200b"))
        self.picture.setAccessibleName(words)
        self.setAccessibleName(f"{words} {address}")

    def code_image(self) -> QImage:
        """What the code on show holds, as a picture (tests decode it)."""
        return self.picture.pixmap().toImage()
