// The field-report form (templates/network/report_form.html) for a collaborator who may have no
// network: the draft is kept on the device as it is typed, a sent report goes through an outbox
// that is emptied when the network is back, and each report carries an instance id made once,
// so a report sent twice is stored once (the server answers `created: false`).
//
// Without this script the form posts as a plain form and works the same, online only.
(() => {
  "use strict";

  const form = document.getElementById("fr-form");
  if (!form || !window.duluanDevice) return;
  const MESSAGES = JSON.parse(form.dataset.messages);
  const USER = form.dataset.user || "anon";
  const DRAFT_KEY = `duluan.fieldReport.${USER}.draft`;
  const OUTBOX_KEY = `duluan.fieldReport.${USER}.outbox`;
  const RETRY_MS = 30000;
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
  const fill = (message, params = {}) =>
    message.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole));

  const { load, save, forget, newInstanceId } = window.duluanDevice;

  const status = $("#fr-status");
  const say = (message) => {
    status.textContent = message;
    status.hidden = !message;
  };

  // --- the form: report kind, opinion-stream rows -------------------------------------------

  const showKind = () => {
    const kind = (form.querySelector("input[name=kind]:checked") || { value: "periodic" }).value;
    $$("[data-kind-part]", form).forEach((part) => {
      part.hidden = part.dataset.kindPart !== kind;
    });
  };
  const streams = $("#fr-streams");
  const renumber = () => {
    const rows = $$(".fr-stream", streams);
    rows.forEach((row, index) => {
      $(".fr-stream-title", row).textContent = $(".fr-stream-title", row).textContent.replace(/\d+/, String(index + 1));
      $("[data-remove-stream]", row).hidden = rows.length === 1;
    });
  };
  const addStream = () => {
    const row = $(".fr-stream", streams).cloneNode(true);
    $("textarea", row).value = "";
    $$("select", row).forEach((select) => (select.selectedIndex = 0));
    $("select[name=stream_spread]", row).value = "some";
    $("select[name=stream_tone]", row).value = "neutral";
    streams.append(row);
    renumber();
    return row;
  };

  // --- the draft ----------------------------------------------------------------------------

  const fieldsOf = () =>
    [...new FormData(form).entries()].filter(([name, value]) => typeof value === "string" && name !== "csrf_token");
  const keepDraft = () => {
    save(DRAFT_KEY, { fields: fieldsOf(), at: new Date().toISOString() });
    $("#fr-draft-note").hidden = false;
    $("[data-discard]").hidden = false;
  };
  const restore = (fields) => {
    const count = fields.filter(([name]) => name === "stream_content").length;
    while ($$(".fr-stream", streams).length < count) addStream();
    const seen = {};
    $$("input[type=checkbox]", form).forEach((box) => (box.checked = false));
    fields.forEach(([name, value]) => {
      const index = (seen[name] = (seen[name] ?? -1) + 1);
      const targets = $$(`[name="${name}"]`, form);
      const radios = targets.filter((el) => el.type === "radio" || el.type === "checkbox");
      if (radios.length) radios.filter((el) => el.value === value).forEach((el) => (el.checked = true));
      else if (targets[index]) targets[index].value = value;
    });
  };
  const startOver = () => {
    form.reset();
    while ($$(".fr-stream", streams).length > 1) $$(".fr-stream", streams).pop().remove();
    form.elements.instance_id.value = newInstanceId();
    forget(DRAFT_KEY);
    $("#fr-draft-note").hidden = true;
    $("[data-discard]").hidden = true;
    showKind();
    renumber();
  };

  // --- sending, and the outbox for when the network is down ----------------------------------

  let csrfToken = ($('meta[name="csrf-token"]') || { content: "" }).content;
  // A page left open across a new sign-in holds an old token: take the current one and retry.
  const renewToken = async () => {
    try {
      const page = await fetch(window.location.pathname, { credentials: "same-origin" });
      const html = new DOMParser().parseFromString(await page.text(), "text/html");
      const meta = $('meta[name="csrf-token"]', html);
      if (!meta) return false;
      csrfToken = meta.content;
      return true;
    } catch (error) {
      return false;
    }
  };
  const fileToData = (file) =>
    new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve({ name: file.name, type: file.type, data: reader.result });
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  const dataToBlob = async (file) => (await fetch(file.data)).blob();

  const send = async (item, renewed = false) => {
    if (navigator.onLine === false) return { kind: "offline" };
    const body = new FormData();
    item.fields.forEach(([name, value]) => body.append(name, value));
    for (const file of item.files) body.append("attachments", await dataToBlob(file), file.name);
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": csrfToken },
        body,
      });
    } catch (error) {
      return { kind: "offline" };
    }
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      /* a proxy's page, not ours */
    }
    if (response.ok) return { kind: "stored", created: answer.created, url: answer.url };
    if (response.status === 403 && answer.error === "csrf_failed" && !renewed && (await renewToken())) return send(item, true);
    if ([400, 403, 404, 409, 413].includes(response.status)) return { kind: "refused", message: answer.message || String(response.status) };
    return { kind: "later" }; // 5xx, or signed out: try again later
  };

  const memory = []; // items too big for localStorage: kept while the page stays open
  const outbox = () => [...load(OUTBOX_KEY, []), ...memory];
  const drop = (instanceId) => {
    save(OUTBOX_KEY, load(OUTBOX_KEY, []).filter((i) => i.instance_id !== instanceId));
    const index = memory.findIndex((i) => i.instance_id === instanceId);
    if (index >= 0) memory.splice(index, 1);
  };
  const enqueue = (item) => {
    const stored = load(OUTBOX_KEY, []).filter((i) => i.instance_id !== item.instance_id);
    if (!save(OUTBOX_KEY, [...stored, item])) {
      memory.push(item);
      return false;
    }
    return true;
  };

  // A report the server refused after it waited in the outbox (a check the page cannot make)
  // is flagged, never dropped: it comes back into the form for correction once the form is free.
  const mark = (instanceId, message) => {
    const flag = (i) => (i.instance_id === instanceId ? { ...i, refused: message } : i);
    save(OUTBOX_KEY, load(OUTBOX_KEY, []).map(flag));
    memory.forEach((item, index) => (memory[index] = flag(item)));
  };
  const revive = () => {
    const item = outbox().find((i) => i.refused);
    if (!item || load(DRAFT_KEY, null)) return;
    drop(item.instance_id);
    restore(item.fields);
    showKind();
    renumber();
    keepDraft();
    say(fill(MESSAGES.refused, { message: item.refused }));
  };

  const done = (outcome) => {
    $("#fr-done-text").textContent = outcome.created === false ? MESSAGES.already : MESSAGES.stored;
    $("#fr-done-link").href = outcome.url;
    $("#fr-done").hidden = false;
    $("#fr-done").scrollIntoView({ block: "start" });
  };

  let flushing = null;
  let retry = null;
  const flush = () => {
    if (!flushing) flushing = flushOnce().finally(() => (flushing = null));
    return flushing;
  };
  const flushOnce = async () => {
    let sent = 0;
    let last = null;
    for (const item of outbox().filter((i) => !i.refused)) {
      const outcome = await send(item);
      if (outcome.kind === "offline" || outcome.kind === "later") break;
      if (outcome.kind === "stored") {
        drop(item.instance_id);
        sent += 1;
        last = outcome;
      } else mark(item.instance_id, outcome.message);
    }
    const waiting = outbox().filter((i) => !i.refused).length;
    if (sent) {
      say(fill(MESSAGES.sent_later, { count: sent }));
      done(last);
    } else if (waiting) say(fill(MESSAGES.waiting, { count: waiting }));
    revive();
    if (waiting && !retry) retry = window.setInterval(flush, RETRY_MS);
    if (!waiting && retry) retry = window.clearInterval(retry);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.elements.attachments;
    const files = [...(input ? input.files : [])];
    const item = { instance_id: form.elements.instance_id.value, fields: fieldsOf(), files: [] };
    try {
      item.files = await Promise.all(files.map(fileToData));
    } catch (error) {
      form.submit(); // the files cannot be read here: let the browser send the form itself
      return;
    }
    say(MESSAGES.sending);
    const outcome = await send(item);
    if (outcome.kind === "stored") {
      say("");
      startOver();
      done(outcome);
      return;
    }
    if (outcome.kind === "refused") {
      say(fill(MESSAGES.refused, { message: outcome.message }));
      status.focus();
      return;
    }
    const kept = enqueue(item);
    startOver();
    say(kept ? MESSAGES.offline : MESSAGES.too_big);
    if (!retry) retry = window.setInterval(flush, RETRY_MS);
  });

  form.addEventListener("input", keepDraft);
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") showKind();
    keepDraft();
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.hasAttribute("data-add-stream")) {
      $("textarea", addStream()).focus();
      keepDraft();
    } else if (button.hasAttribute("data-remove-stream")) {
      button.closest(".fr-stream").remove();
      renumber();
      keepDraft();
    } else if (button.hasAttribute("data-discard")) {
      startOver();
      say("");
    }
  });

  // A page the server sent back with an error shows what was typed; otherwise resume a draft.
  // A reminder's link names a period: a draft for another period is left for later.
  const draft = load(DRAFT_KEY, null);
  const asked = new URLSearchParams(window.location.search).get("period");
  const draftPeriod = draft ? (draft.fields.find(([name]) => name === "period") || [])[1] : null;
  if (draft && !$("#fr-error") && (!asked || asked === draftPeriod)) {
    restore(draft.fields);
    say(MESSAGES.draft_restored);
    $("#fr-draft-note").hidden = false;
    $("[data-discard]").hidden = false;
  }
  $("[data-add-stream]").hidden = false;
  status.tabIndex = -1;
  showKind();
  renumber();
  window.addEventListener("online", () => flush());
  if (outbox().length) flush();
})();
