/**
 * projector.js, the projector view's script (served as /admin/assets/projector.js): the
 * room's figures from /overview and the host's state from /health every few seconds, and
 * a UTC clock. No names are shown: the screen faces the room.
 */
import { CLIENT_COMMON_JS } from "./client-common";

const PROJECTOR_BODY = String.raw`
  var REFRESH_MS = 5000;

  function renderHost(healthBody) {
    var tile = $("p-host-tile");
    var up = healthBody && healthBody.upstream && healthBody.upstream.reachable;
    tile.classList.toggle("good", !!up);
    tile.classList.toggle("bad", !up);
    setText("p-host", up ? "up" : "down");
    setText("p-host-detail", up ? "agent host · " + healthBody.upstream.latency_ms + " ms" : "agent host unreachable");
  }

  function refresh() {
    return Promise.all([api("/overview?minutes=60"), health()]).then(function (results) {
      var overview = results[0], s = overview.attendee_states;
      setText("p-ready", fmt(s.ready));
      setText("p-stuck", fmt(s.stuck));
      $("p-stuck-tile").classList.toggle("hot", s.stuck > 0);
      setText("p-active", fmt(overview.active_attendees.count));
      setText("p-rpm", fmt(overview.recent.requests_last_minute));
      // The count large, the cap in the label: "57 / 500" at tile size did not fit 1280×720.
      setText("p-enrolled", fmt(overview.enrollment.attendees));
      setText("p-enrolled-detail", "enrolled of " + fmt(overview.enrollment.max_attendees));
      renderHost(results[1]);
      renderBanner(problemsOf(results[1], overview));
      setText("updated", "updated " + utcClock(new Date()) + " UTC");
    }).catch(function (error) {
      renderBanner([{ title: "The console could not refresh.", detail: error.message }]);
    });
  }

  function tick() { setText("clock", utcClock(new Date()).slice(0, 5)); }

  tick();
  setInterval(tick, 1000);
  refresh();
  setInterval(refresh, REFRESH_MS);
`;

export const PROJECTOR_JS = `(function () {
  "use strict";
${CLIENT_COMMON_JS}
${PROJECTOR_BODY}
})();
`;
