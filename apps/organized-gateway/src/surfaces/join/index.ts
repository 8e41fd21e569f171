/** Onboarding routes: the join page with its QR code, and the kit ZIP it links to. */
export { joinPage } from "./page";
export { kitZip } from "./kit";
