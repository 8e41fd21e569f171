// The name a draft email greets: USER_IDs are lower-case (the gateway makes them so) and
// setup.sh suggests `sam-k` when `sam` is taken, so "Hi sam-k," would greet an id, not a
// person. A guess, shown in a draft the organiser reads before sending:
//   sam → Sam · sam-k → Sam · sam2 → Sam · mary.jones → Mary Jones · jean-luc → Jean-Luc
export function greetingName(userId) {
  const base = String(userId)
    .replace(/[-._][a-z0-9]$/i, "")   // a one-character suffix told apart a taken id
    .replace(/[-._]?\d+$/, "")        // trailing digits (sam2, sam-01)
    .replace(/[._]+/g, " ")
    .trim();
  if (!/[a-z]/i.test(base)) return String(userId);
  return base.replace(/(^|[\s-])([a-z])/g, (_, before, letter) => `${before}${letter.toUpperCase()}`);
}
