// The log page without a network (docs/offline.md). Reflex pages show only what the server
// sends; this is the one place that draws on the browser's side:
// - online, on /log, it keeps a copy of the open workout (GET /api/v1/sessions/open) in
//   IndexedDB, taken again whenever the page changes;
// - offline, it shows that copy as its own "Offline log" over the page: tick a set, change its
//   reps, weight or RPE, add or remove a set, finish the workout. Each change shows at once and is
//   queued in IndexedDB with an idempotency key, surviving a reload, a closed tab, a restart;
// - online again, it sends the queue in order to POST /api/v1/sessions/{id}/changes with the
//   page's own session token, each change once by its key; the server applies it through the
//   same services as the live page. A change the server refused is shown, never dropped.
// - a set changed here and on another device too: each change says when it was made and which
//   version of the set it was made on (the set's changed_at in the copy); the later change wins
//   and the person is told which (kept in "refused" with its kind until they say OK).
(function () {
  "use strict";

  var DB_NAME = "vigor-offline";
  var SESSION_KEY = "vigor_session";
  var PANEL_ID = "vigor-offline-log";
  var BATCH = 100;

  function token() {
    try {
      var raw = window.localStorage.getItem(SESSION_KEY) || "";
      return raw.charAt(0) === '"' ? JSON.parse(raw) : raw;
    } catch (error) {
      return "";
    }
  }

  // --- IndexedDB: "snapshot" (the open workout, key "open"), "queue" (changes, in order), ------
  // --- "refused" (changes the server refused, to show) -------------------------------------
  var opened = null;
  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var store = request.result;
          store.createObjectStore("snapshot");
          store.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          store.createObjectStore("refused", { keyPath: "key" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opened;
  }

  function run(storeName, mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(storeName, mode);
        var result = work(tx.objectStore(storeName));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function getSnapshot() { return run("snapshot", "readonly", function (s) { return s.get("open"); }); }
  function putSnapshot(view) { return run("snapshot", "readwrite", function (s) { return s.put(view, "open"); }); }
  function queued() { return run("queue", "readonly", function (s) { return s.getAll(); }); }
  function refusals() { return run("refused", "readonly", function (s) { return s.getAll(); }); }

  // --- whose copy: a browser another person signs in on forgets the last one's ---------------
  var ownerChecked = false;
  function clearAll() {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(["snapshot", "queue", "refused"], "readwrite");
        ["snapshot", "queue", "refused"].forEach(function (name) { tx.objectStore(name).clear(); });
        tx.oncomplete = function () { resolve(); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function checkOwner(bearer) {
    if (ownerChecked || !bearer) {
      return Promise.resolve();
    }
    return fetch("/api/v1/me", { headers: { Authorization: "Bearer " + bearer }, cache: "no-store" })
      .then(function (answer) {
        return answer.text().then(function (body) {
          if (!answer.ok) {
            return null;
          }
          ownerChecked = true;
          var me = JSON.parse(body).id;
          return run("snapshot", "readonly", function (s) { return s.get("owner"); }).then(function (owner) {
            var forget = owner !== undefined && owner !== me ? clearAll() : Promise.resolve();
            return forget.then(function () {
              return run("snapshot", "readwrite", function (s) { return s.put(me, "owner"); });
            });
          });
        });
      });
  }

  // --- online: keep the open workout ---------------------------------------------------------
  var onLog = function () { return /^\/log\/?$/.test(window.location.pathname); };
  var lastCopy = 0;
  var copyTimer = null;

  function copyOpenWorkout() {
    var bearer = token();
    if (!bearer || !navigator.onLine) {
      return Promise.resolve();
    }
    lastCopy = Date.now();
    return checkOwner(bearer).then(function () {
      return fetch("/api/v1/sessions/open", { headers: { Authorization: "Bearer " + bearer }, cache: "no-store" })
      .then(function (answer) {
        // The body is always read to its end: an unread one keeps the request open.
        return answer.text().then(function (body) {
          if (answer.status === 404) {
            return putSnapshot(null);
          }
          return answer.ok ? putSnapshot(JSON.parse(body)) : null;
        });
      });
    }).catch(function () { /* offline meanwhile: the last copy stays */ });
  }

  function copySoon() {
    if (copyTimer !== null || !navigator.onLine || !onLog()) {
      return;
    }
    var wait = Math.max(1000, 4000 - (Date.now() - lastCopy));
    copyTimer = window.setTimeout(function () {
      copyTimer = null;
      queued().then(function (changes) {
        if (!changes.length) {
          copyOpenWorkout();
        }
      });
    }, wait);
  }

  // --- offline: the changes ------------------------------------------------------------------
  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function findSet(view, ref) {
    for (var i = 0; i < view.entries.length; i += 1) {
      var sets = view.entries[i].sets;
      for (var j = 0; j < sets.length; j += 1) {
        if (String(sets[j].id) === String(ref)) {
          return { entry: view.entries[i], set: sets[j], index: j };
        }
      }
    }
    return null;
  }

  function target(ref) {
    // A set the server knows is named by its id; one added offline by its change's key.
    return String(ref).indexOf("ref:") === 0 ? { set_ref: String(ref).slice(4) } : { set_id: Number(ref) };
  }

  function label(view, ref) {
    var found = findSet(view, ref);
    return found ? found.entry.name + ", set " + (found.index + 1) : "A set";
  }

  function change(view, fields, apply) {
    var entry = Object.assign({ key: newKey() }, fields);
    var ref = fields.set_id !== undefined ? fields.set_id : null;
    if (ref !== null) {
      // When it was made, on which version of the set: the server tells a change made on
      // another device meanwhile. The copy takes this change's time as the set's version.
      var found = findSet(view, ref);
      entry.made_at = new Date().toISOString();
      entry.seen_changed_at = found && found.set.changed_at ? found.set.changed_at : null;
      entry.label = label(view, ref);
      if (found) {
        found.set.changed_at = entry.made_at;
      }
    }
    apply(view);
    return run("queue", "readwrite", function (s) { return s.add(entry); })
      .then(function () { return putSnapshot(view); })
      .then(draw);
  }

  function readNumber(text) {
    var value = String(text || "").trim().replace(",", ".");
    return value === "" ? null : Number(value);
  }

  function saveSet(view, ref, row, done, timed) {
    var amount = readNumber(row.querySelector("[data-field=reps]").value);
    var values = {
      weight_kg: readNumber(row.querySelector("[data-field=weight]").value),
      rpe: readNumber(row.querySelector("[data-field=rpe]").value),
    };
    values[timed ? "seconds" : "reps"] = amount;
    return change(view, Object.assign({ op: "save_set", done: done }, target(ref), values), function (v) {
      var found = findSet(v, ref);
      if (found) {
        Object.assign(found.set, values, { done: done });
      }
    });
  }

  function addSet(view, entryId) {
    var key = newKey();
    var entry = { key: key, op: "add_set", entry_id: entryId };
    view.entries.forEach(function (e) {
      if (e.id === entryId) {
        var last = e.sets[e.sets.length - 1] || {};
        e.sets.push({ id: "ref:" + key, position: e.sets.length, reps: last.reps || null,
                      weight_kg: last.weight_kg || null, rpe: null, done: false, kind: "normal" });
      }
    });
    return run("queue", "readwrite", function (s) { return s.add(entry); })
      .then(function () { return putSnapshot(view); })
      .then(draw);
  }

  function removeSet(view, ref) {
    return change(view, Object.assign({ op: "remove_set" }, target(ref)), function (v) {
      var found = findSet(v, ref);
      if (found) {
        found.entry.sets.splice(found.index, 1);
      }
    });
  }

  function finish(view) {
    return change(view, { op: "finish" }, function (v) { v.status = "finished"; });
  }

  // --- offline: the view ---------------------------------------------------------------------
  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") {
        node.textContent = attributes[name];
      } else {
        node.setAttribute(name, attributes[name]);
      }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function numberInput(label, field, value, hint) {
    return element("input", { "aria-label": label, "data-field": field, inputmode: "decimal", placeholder: hint,
                              value: value === null || value === undefined ? "" : String(value),
                              class: "vigor-offline-number" });
  }

  function setRow(view, entry, set, number) {
    var name = " set " + number + " of " + entry.name;
    var row = element("div", { class: "vigor-offline-set" + (set.done ? " is-done" : "") }, [
      element("span", { class: "vigor-offline-setno", text: String(number) }),
      numberInput((entry.timed ? "Seconds" : "Reps") + name, "reps", entry.timed ? set.seconds : set.reps,
                  entry.timed ? "s" : "Reps"),
      numberInput("Weight (kg)" + name, "weight", set.weight_kg, "kg"),
      numberInput("RPE" + name, "rpe", set.rpe, "RPE"),
    ]);
    var tick = element("button", { type: "button", text: set.done ? "Undo" : "Done",
                                   "aria-label": (set.done ? "Undo" : "Done") + name });
    tick.addEventListener("click", function () { saveSet(view, set.id, row, !set.done, entry.timed); });
    var save = element("button", { type: "button", text: "Save", "aria-label": "Save" + name });
    save.addEventListener("click", function () { saveSet(view, set.id, row, true, entry.timed); });
    var remove = element("button", { type: "button", text: "✕", "aria-label": "Remove" + name,
                                     class: "vigor-offline-remove" });
    remove.addEventListener("click", function () { removeSet(view, set.id); });
    row.appendChild(tick);
    if (set.done) {
      row.appendChild(save);
    }
    row.appendChild(remove);
    return row;
  }

  var drawing = null;
  var drawAgain = false;
  function draw() {
    if (drawing) {
      drawAgain = true;  // what changed meanwhile is drawn right after
      return drawing;
    }
    drawing = Promise.all([getSnapshot(), queued(), refusals()]).then(function (found) {
      drawing = null;
      if (drawAgain) {
        drawAgain = false;
        return draw();
      }
      var view = found[0];
      var waiting = found[1].length;
      var refused = found[2];
      var panel = document.getElementById(PANEL_ID);
      var show = onLog() && token() !== "" && (!navigator.onLine || waiting > 0 || refused.length > 0);
      if (!show) {
        if (panel) {
          panel.remove();
        }
        return;
      }
      if (!panel) {
        panel = element("section", { id: PANEL_ID, "aria-label": "Offline log", class: "vigor-offline-log" });
        document.body.appendChild(panel);
      }
      panel.textContent = "";
      var sent = navigator.onLine && waiting === 0;  // only what the person must read is left
      panel.appendChild(element("h2", { text: sent ? "Your offline changes" : navigator.onLine ? "Sending your changes…"
        : "Offline log" }));
      panel.appendChild(element("p", { role: "status", class: "vigor-offline-waiting",
                                       text: sent ? "All changes sent" : waiting === 1 ? "1 change waiting"
                                         : waiting + " changes waiting" }));
      if (!sent) {
        panel.appendChild(element("p", { class: "vigor-offline-waiting", text: navigator.onLine
          ? "Your changes are being saved." : "What you log is kept on this device and sent when you're back online." }));
      }
      refused.forEach(function (item) {
        var kind = item.kind || "refused";
        panel.appendChild(element("p", { role: kind === "kept" ? "status" : "alert",
                                         class: "vigor-offline-refused vigor-offline-" + kind,
                                         text: kind === "refused" ? "Not saved: " + item.message : item.message }));
      });
      if (refused.length) {
        var seen = element("button", { type: "button", text: sent ? "OK, show my workout" : "OK" });
        seen.addEventListener("click", function () {
          run("refused", "readwrite", function (s) { return s.clear(); }).then(function () {
            return navigator.onLine ? window.location.reload() : draw();
          });
        });
        panel.appendChild(seen);
      }
      if (sent) {
        return;  // the copy is older than what the server now has: OK shows the server's
      }
      if (!view) {
        panel.appendChild(element("p", { text: "No workout was open when you were last online." }));
        return;
      }
      panel.appendChild(element("h3", { text: view.name + (view.status === "finished" ? " (finished)" : "") }));
      view.entries.forEach(function (entry) {
        var card = element("div", { class: "vigor-offline-entry" }, [element("h4", { text: entry.name })]);
        entry.sets.forEach(function (set, index) { card.appendChild(setRow(view, entry, set, index + 1)); });
        var more = element("button", { type: "button", text: "Add set", "aria-label": "Add a set to " + entry.name });
        more.addEventListener("click", function () { addSet(view, entry.id); });
        card.appendChild(more);
        panel.appendChild(card);
      });
      if (view.status !== "finished") {
        var done = element("button", { type: "button", text: "Finish workout", class: "vigor-offline-finish" });
        done.addEventListener("click", function () { finish(view); });
        panel.appendChild(done);
      }
    }).catch(function (error) {
      drawing = null;
      console.warn("Vigor's offline log could not be drawn:", error);
    });
    return drawing;
  }

  // --- online again: send the queue ----------------------------------------------------------
  var sending = false;
  function send() {
    if (sending || !navigator.onLine) {
      return Promise.resolve();
    }
    var bearer = token();
    sending = true;
    return checkOwner(bearer).then(function () {
      return Promise.all([queued(), getSnapshot()]);
    }).then(function (found) {
      var changes = found[0].slice(0, BATCH);
      var view = found[1];
      if (!changes.length || !view || !bearer) {
        return false;
      }
      var body = changes.map(function (item) {
        var copy = Object.assign({}, item);
        delete copy.seq;
        delete copy.label;  // for the person's eyes only
        return copy;
      });
      return fetch("/api/v1/sessions/" + view.id + "/changes", {
        method: "POST",
        headers: { Authorization: "Bearer " + bearer, "Content-Type": "application/json" },
        body: JSON.stringify({ changes: body }),
      }).then(function (answer) {
        if (answer.status === 404) {  // the workout was deleted elsewhere: every change is refused
          return answer.json().then(function (problem) {
            return settle(changes, changes.map(function (item) {
              return { key: item.key, status: 404, error: { code: "not_found", message: problem.error.message } };
            }));
          });
        }
        if (!answer.ok) {
          return answer.text().then(function () { return false; });  // later (a limit, a restart)
        }
        return answer.json().then(function (result) { return settle(changes, result.answers); });
      });
    }).catch(function () { return false; }).then(function (sent) {
      sending = false;
      return sent ? send() : queued().then(function (left) { return left.length === 0; });
    });
  }

  function clock(iso) {
    var moment = new Date(iso);
    return isNaN(moment.getTime()) ? "" : " at " + moment.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function told(item, answer) {
    // What the person is shown about an answer (null: nothing to tell).
    var error = answer.error || {};
    var name = item && item.label ? item.label : "A set";
    if (answer.status === 200) {
      var other = answer.result && answer.result.changed_elsewhere_at;
      return other ? { key: answer.key, kind: "kept", message: name + " was also changed on another device"
        + clock(other) + ". Your later change here was kept." } : null;
    }
    if (error.code === "changed_elsewhere") {
      return { key: answer.key, kind: "changed_elsewhere", message: name + " was changed on another device"
        + clock(error.changed_elsewhere_at) + ", after your change here. That later change was kept." };
    }
    return { key: answer.key, kind: "refused", message: error.message || "refused" };
  }

  function settle(changes, answers) {
    var byKey = {};
    changes.forEach(function (item) { byKey[item.key] = item; });
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(["queue", "refused"], "readwrite");
        answers.forEach(function (answer) {
          var item = byKey[answer.key];
          if (item) {
            tx.objectStore("queue").delete(item.seq);
          }
          var tell = told(item, answer);
          if (tell) {
            tx.objectStore("refused").put(tell);
          }
        });
        tx.oncomplete = function () { resolve(true); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function whenOnline() {
    // Something was waiting: once it is all sent (and none refused), the page reloads to show the
    // workout as the server now has it; the live page under the panel may be older than that.
    return queued().then(function (before) {
      if (!before.length) {
        return draw();
      }
      return send().then(function (empty) {
        if (empty !== true) {
          return draw();
        }
        return refusals().then(function (refused) {
          return refused.length === 0 ? window.location.reload() : draw();
        });
      });
    });
  }

  // --- wiring ----------------------------------------------------------------------------------
  window.addEventListener("offline", draw);
  window.addEventListener("online", whenOnline);
  window.addEventListener("load", function () {
    if (!("indexedDB" in window)) {
      return;
    }
    if (navigator.onLine) {
      queued().then(function (changes) {
        if (changes.length) {
          draw();
          whenOnline();
        } else if (onLog()) {
          copyOpenWorkout();
        }
      });
    } else {
      draw();
    }
    new MutationObserver(copySoon).observe(document.body, { childList: true, subtree: true, characterData: true });
    // React may take the page over and drop the panel: put it back while it is needed. And a
    // sign-out (the session token gone) forgets this device's copy, unless changes still wait
    // to be sent (then they wait for the next sign-in, whose owner is checked first).
    var seenToken = token();
    window.setInterval(function () {
      if (!document.getElementById(PANEL_ID) && (!navigator.onLine)) {
        draw();
      }
      var now = token();
      if (now !== seenToken) {
        seenToken = now;
        ownerChecked = false;
        if (!now) {
          queued().then(function (changes) { return changes.length ? null : clearAll(); });
        }
      }
    }, 1000);
  });
  window.vigorOfflineLog = { draw: draw, send: send, queued: queued, snapshot: getSnapshot, forget: clearAll };
})();
