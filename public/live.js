// Oxcart's live feed client (/ws/notifications): a few lines of plain script, so no
// WebSocket code reaches the WASM bundles and pages without it stay whole.
// A page opts in with an element carrying data-live-channels="orders user.<id> …" and
// data-live-since="<number>". New orders are added to [data-live-feed]; an order's
// status replaces the text of [data-live-status="<order id>"]; every notification is
// read out by [data-live-announce]. The socket reconnects with backoff (1 s doubling to
// 30 s) and asks for what it missed since the last number it saw.
(function () {
  "use strict";
  if (window.oxcartLive) return;
  var holder = document.querySelector("[data-live-channels]");
  if (!holder) return;
  window.oxcartLive = true;
  var channels = holder.getAttribute("data-live-channels").split(" ").filter(Boolean);
  var last = Number(holder.getAttribute("data-live-since")) || 0;
  var delay = 1000;

  function show(message) {
    var data = message.data || {};
    var feed = document.querySelector("[data-live-feed]");
    if (message.channel === "orders" && data.kind === "placed" && feed) {
      var item = document.createElement("li");
      item.className = "recent-list__new";
      item.setAttribute("data-testid", "live-order");
      var link = document.createElement("a");
      link.href = "/admin/orders/" + encodeURIComponent(data.order_id);
      link.textContent = "#" + data.number;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" · " + data.email + " · " + data.total + " · new"));
      feed.insertBefore(item, feed.firstChild);
    }
    if (data.order_id && data.status_label) {
      document.querySelectorAll("[data-live-status]").forEach(function (el) {
        if (el.getAttribute("data-live-status") === data.order_id) el.textContent = data.status_label;
      });
    }
    var announce = document.querySelector("[data-live-announce]");
    if (announce && data.title) announce.textContent = data.title;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications");
    var ping;
    socket.onopen = function () {
      delay = 1000;
      document.documentElement.setAttribute("data-live", "open");
      socket.send(JSON.stringify({ type: "subscribe", channels: channels, since: last }));
      ping = setInterval(function () { socket.send('{"type":"ping"}'); }, 30000);
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type !== "notification" || message.seq <= last) return;
      last = message.seq;
      show(message);
    };
    socket.onclose = function () {
      clearInterval(ping);
      document.documentElement.setAttribute("data-live", "closed");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
