// The QR code for the kit's address, as SVG: the Worker draws it on /join and the organiser's
// command writes it for printing. Drawn by the `qrcode` library (its browser build in the Worker).
import QRCode from "qrcode";

/** An SVG QR code of `text`, with a quiet zone, medium error correction (survives a projector). */
export function qrSvg(text) {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#000000", light: "#ffffff" } });
}
