// The respondent's web form (templates/surveys/form.html): skip logic, checks, calculations and
// choice filters as the respondent types; `${name}` in labels and messages filled with the
// answers (as text); one question per screen or all at once; a draft kept on the device so
// that a reload resumes; an outbox that sends a finished questionnaire when the network is
// back; and the service worker (survey-sw.js) that lets the page open again offline. The
// server checks everything again and stores each instance id once, so sending the same
// questionnaire twice is always safe.
//
// Expressions arrive parsed in the JSON block #sf-spec (web/survey_form_view.py) and are
// evaluated by survey-expressions.js; this file never parses one. Answers follow the answer
// format of surveys/answers.py: {name: "text value"}, repeats as {repeat: [{...}, ...]}.
(() => {
  "use strict";

  const specElement = document.getElementById("sf-spec");
  if (!specElement || !window.duluanExpressions || !window.duluanDevice) return;
  const spec = JSON.parse(specElement.textContent);
  const { evaluate } = window.duluanExpressions;
  const form = document.getElementById("sf-form");
  const RULES = spec.questions;
  const GROUPS = spec.groups;
  const MESSAGES = spec.messages;
  const DRAFT_KEY = `duluan.form.${spec.token}.draft`;
  const OUTBOX_KEY = `duluan.form.${spec.token}.outbox`;
  const MODE_KEY = "duluan.form.mode";
  const RETRY_MS = 30000;
  const INTEGER = /^-?[0-9]+$/;
  const DECIMAL = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
  const fill = (message, params = {}) =>
    message.replace(/\{(\w+)\}/g, (whole, key) => (key in params ? String(params[key]) : whole));

  const { load, save, forget, newInstanceId } = window.duluanDevice;
  const newDraft = () => ({
    instance_id: newInstanceId(),
    started_at: new Date().toISOString(),
    consented: false,
    step: 0,
    raw: {},
  });
  let draft = load(DRAFT_KEY, null) || newDraft();

  // --- scopes: the form, and each repeat instance inside it ---------------------------------------

  const scopeOf = (element) => element.parentElement.closest("[data-scope]");
  const own = (scope, selector) => $$(selector, scope).filter((el) => scopeOf(el) === scope);
  const rulesOf = (box) => RULES[box.dataset.name] || {};

  // What the respondent entered in one question, in XForm text form ("" when unanswered).
  const rawValue = (box) => {
    const widget = box.dataset.widget;
    if (widget === "radios") return ($("input:checked", box) || { value: "" }).value;
    if (widget === "checkboxes") return $$("input:checked", box).map((i) => i.value).join(" ");
    if (widget === "geopoint") {
      const lat = $("[data-part=lat]", box).value.trim().replace(",", ".");
      const lon = $("[data-part=lon]", box).value.trim().replace(",", ".");
      return lat || lon ? `${lat} ${lon}${box.dataset.extra || ""}` : "";
    }
    const input = $("input, select, textarea", box);
    if (!input) return "";
    const value = input.value.trim();
    return widget === "decimal" ? value.replace(",", ".") : value;
  };

  const setValue = (box, value) => {
    const widget = box.dataset.widget;
    if (widget === "radios" || widget === "checkboxes") {
      const chosen = new Set(String(value).split(" "));
      $$("input", box).forEach((input) => {
        input.checked = chosen.has(input.value);
      });
    } else if (widget === "geopoint") {
      const [lat = "", lon = "", ...rest] = String(value).split(" ");
      $("[data-part=lat]", box).value = lat;
      $("[data-part=lon]", box).value = lon;
      box.dataset.extra = rest.length ? ` ${rest.join(" ")}` : "";
    } else {
      const input = $("input, select, textarea", box);
      if (!input) return;
      if (input.tagName === "SELECT" && input.hasAttribute("data-filtered")) {
        input.dataset.wanted = value; // its options come once the filter runs
      }
      input.value = value;
    }
  };

  // --- repeats --------------------------------------------------------------------------------

  let copies = 0;
  const addInstance = (repeat) => {
    copies += 1;
    const suffix = `--${copies}`;
    const instance = $("template", repeat).content.firstElementChild.cloneNode(true);
    $$("[id], [for], [aria-describedby], input[type=radio], input[type=checkbox]", instance).forEach((el) => {
      if (el.id) el.id += suffix;
      if (el.htmlFor) el.htmlFor += suffix;
      const described = el.getAttribute("aria-describedby");
      if (described) el.setAttribute("aria-describedby", described.split(" ").map((id) => id + suffix).join(" "));
      if (el.name) el.name += suffix;
    });
    $(".sr-instances", repeat).append(instance);
    numberInstances(repeat);
    return instance;
  };
  const numberInstances = (repeat) => {
    $$(":scope > .sr-instances > .sr-instance", repeat).forEach((instance, index) => {
      $(".sr-title", instance).textContent = fill(MESSAGES.instance, { n: index + 1 });
    });
  };
  const instancesOf = (repeat) => $$(":scope > .sr-instances > .sr-instance", repeat);

  // --- choice filters: the commune list follows the province ---------------------------------

  const filterCache = new Map();
  const referencedNames = (tree, names = new Set()) => {
    if (!Array.isArray(tree)) return names;
    if (tree[0] === "ref") names.add(tree[1]);
    tree.slice(1).forEach((node) => referencedNames(node, names));
    return names;
  };
  const allowedChoices = (rules, context) => {
    const names = rules.filterNames || (rules.filterNames = [...referencedNames(rules.choice_filter)]);
    const key = `${rules.list}\u0000${JSON.stringify(rules.choice_filter)}\u0000${names.map((n) => context[n] || "").join("\u0000")}`;
    let allowed = filterCache.get(key);
    if (!allowed) {
      const { columns, rows } = spec.lists[rules.list];
      allowed = rows.filter((row) => {
        const choice = { name: row[0] };
        columns.forEach((column, index) => {
          choice[column] = row[index + 2];
        });
        return truthy(evaluate(rules.choice_filter, context, null, undefined, undefined, choice));
      });
      filterCache.set(key, allowed);
    }
    return { key, allowed };
  };
  const applyFilter = (box, rules, context) => {
    const { key, allowed } = allowedChoices(rules, context);
    if (box.dataset.filterKey === key) return;
    box.dataset.filterKey = key;
    const select = $("select", box);
    if (select) {
      const wanted = select.dataset.wanted !== undefined ? select.dataset.wanted : select.value;
      delete select.dataset.wanted;
      const options = document.createDocumentFragment();
      options.append(new Option(MESSAGES.choose, ""));
      allowed.forEach(([name, label]) => options.append(new Option(label, name)));
      select.replaceChildren(options);
      select.value = allowed.some(([name]) => name === wanted) ? wanted : "";
      return;
    }
    const holder = $(".sq-choices", box);
    const type = box.dataset.widget === "radios" ? "radio" : "checkbox";
    const chosen = new Set(rawValue(box).split(" "));
    const inputName = ($("input", holder) || { name: box.dataset.name }).name || box.dataset.name;
    holder.replaceChildren(
      ...allowed.map(([name, label], index) => {
        const choice = document.createElement("label");
        choice.className = "sq-choice";
        const input = document.createElement("input");
        Object.assign(input, { type, name: inputName, value: name, checked: chosen.has(name) });
        input.id = `${box.dataset.name}-f${index}-${Math.random().toString(36).slice(2, 7)}`;
        const text = document.createElement("span");
        text.textContent = label;
        choice.append(input, text);
        return choice;
      }),
    );
  };

  // --- settling: relevance, calculations, filters; then the checks ---------------------------

  const truthy = (value) =>
    typeof value === "boolean" ? value : typeof value === "number" ? !(value === 0 || Number.isNaN(value)) : value !== "";
  const valueText = (value) => {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
    return value;
  };

  // Groups between a question and its scope, innermost first: each must be relevant too.
  const groupsShown = (element, scope, context, shown) => {
    for (let group = element.parentElement.closest("[data-group]"); group && scope.contains(group) && group !== scope; group = group.parentElement.closest("[data-group]")) {
      const name = group.dataset.group;
      if (!shown.has(name)) {
        const tree = (GROUPS[name] || {}).relevant;
        shown.set(name, groupsShown(group, scope, context, shown) && (!tree || truthy(evaluate(tree, context))));
      }
      if (!shown.get(name)) return false;
    }
    return true;
  };

  // An answer as the respondent sees it, for `${name}` in labels and messages: the choice
  // labels of a choice question (comma-separated), the value itself otherwise.
  const shownText = (box, value) => {
    const widget = box.dataset.widget;
    if (widget === "radios" || widget === "checkboxes") {
      const labels = new Map($$("input", box).map((input) => [input.value, input.nextElementSibling ? input.nextElementSibling.textContent : input.value]));
      return value.split(" ").map((name) => labels.get(name) || name).join(", ");
    }
    if (widget === "list") {
      const option = $("select", box).selectedOptions[0];
      return option && option.value === value ? option.textContent : value;
    }
    return value;
  };
  const withAnswers = (message, readable) => message.replace(/\$\{([^}\s]+)\}/g, (whole, name) => readable[name] || "");
  // Fill the `${name}` placeholders of one scope's labels and hints (text only, never markup).
  const fillReferences = (scope, readable) => {
    own(scope, "[data-ref]").forEach((span) => {
      const text = readable[span.dataset.ref] || "";
      if (span.textContent !== text) span.textContent = text;
    });
  };

  // One scope's answers: `values` (strings, what expressions read, only relevant questions) and
  // `answers` (the same plus repeats as lists), and the problems of its relevant questions;
  // `readable` holds the same answers as the respondent reads them (choice labels).
  const settle = (scope, outer, outerReadable = {}) => {
    const values = {};
    const readableHere = {};
    const context = () => Object.assign({}, outer, values);
    const boxes = own(scope, ".sq");
    const repeats = own(scope, "[data-repeat]");
    let shown = new Map();
    for (let pass = 0; pass < 2; pass += 1) {
      shown = new Map();
      boxes.forEach((box) => {
        const rules = rulesOf(box);
        const now = context();
        const relevant = groupsShown(box, scope, now, shown) && (!rules.relevant || truthy(evaluate(rules.relevant, now)));
        box.hidden = !relevant || box.dataset.widget === "calculate";
        box.classList.toggle("sq-off", !relevant);
        let value = "";
        if (relevant && rules.calculation) {
          value = valueText(evaluate(rules.calculation, now));
          $("input", box).value = value;
        } else if (relevant) {
          if (rules.choice_filter && RULES[box.dataset.name].list) applyFilter(box, rules, now);
          value = rawValue(box);
        }
        if (value !== "") {
          values[box.dataset.name] = value;
          readableHere[box.dataset.name] = shownText(box, value);
        } else {
          delete values[box.dataset.name];
          delete readableHere[box.dataset.name];
        }
      });
    }
    const readable = Object.assign({}, outerReadable, readableHere);
    fillReferences(scope, readable);
    $$("[data-group]", scope).forEach((group) => {
      if (scopeOf(group) === scope) group.hidden = shown.get(group.dataset.group) === false;
    });
    const answers = Object.assign({}, values);
    const problems = [];
    const final = context();
    repeats.forEach((repeat) => {
      const tree = (GROUPS[repeat.dataset.repeat] || {}).relevant;
      const relevant = groupsShown(repeat, scope, final, shown) && (!tree || truthy(evaluate(tree, final)));
      repeat.hidden = !relevant;
      if (!relevant) return;
      const instances = instancesOf(repeat).map((instance) => {
        const inner = settle(instance, final, readable);
        problems.push(...inner.problems);
        return inner.answers;
      });
      if (instances.length) answers[repeat.dataset.repeat] = instances;
    });
    boxes.forEach((box) => {
      const message = box.hidden ? null : problemOf(box, final);
      if (message) problems.push({ box, message: withAnswers(message, readable) });
    });
    return { answers, values, problems, readable };
  };

  const problemOf = (box, context) => {
    const rules = rulesOf(box);
    const widget = box.dataset.widget;
    if (widget === "note" || widget === "unsupported" || rules.calculation) return null;
    const value = rawValue(box);
    if (value === "") {
      const required = rules.required || (rules.required_if && truthy(evaluate(rules.required_if, context)));
      return required ? rules.required_message || MESSAGES.required : null;
    }
    if (widget === "integer" && !INTEGER.test(value)) return MESSAGES.not_integer;
    if (widget === "decimal" && !DECIMAL.test(value)) return MESSAGES.not_number;
    if (widget === "geopoint") {
      const [lat, lon] = value.split(" ").map(Number);
      if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return MESSAGES.not_geopoint;
    }
    if (rules.constraint && !truthy(evaluate(rules.constraint, context, value))) {
      return rules.constraint_message || MESSAGES.constraint;
    }
    return null;
  };

  // Messages beside the questions: only where the respondent has been, or after trying to send.
  const showProblems = (problems, everywhere) => {
    const byBox = new Map(problems.map((p) => [p.box, p.message]));
    $$(".sq", form).forEach((box) => {
      const message = byBox.get(box);
      const shown = message && (everywhere || box.dataset.touched === "1");
      const error = $(".sq-error", box);
      if (error) error.textContent = shown ? message : "";
      box.classList.toggle("has-error", Boolean(shown));
      $$("input, select, textarea", box).forEach((input) => {
        if (shown) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
    });
  };

  let state = { answers: {}, problems: [] };
  const refresh = () => {
    state = settle(form, {});
    showProblems(state.problems, form.dataset.tried === "1");
    if (paged()) showStep();
  };

  // --- the draft: every value as typed, saved as the respondent goes --------------------------

  const rawOf = (scope) => {
    const raw = {};
    own(scope, ".sq").forEach((box) => {
      if (box.dataset.widget === "calculate") return;
      const value = rawValue(box);
      if (value !== "") raw[box.dataset.name] = value;
    });
    own(scope, "[data-repeat]").forEach((repeat) => {
      raw[repeat.dataset.repeat] = instancesOf(repeat).map(rawOf);
    });
    return raw;
  };
  const restore = (scope, raw) => {
    own(scope, "[data-repeat]").forEach((repeat) => {
      (raw[repeat.dataset.repeat] || []).forEach((instanceRaw) => restore(addInstance(repeat), instanceRaw));
    });
    own(scope, ".sq").forEach((box) => {
      if (typeof raw[box.dataset.name] === "string") setValue(box, raw[box.dataset.name]);
    });
  };
  const saveDraft = () => {
    draft.raw = rawOf(form);
    save(DRAFT_KEY, draft);
  };
  // A `default` written as an expression (`today()`, `now()`): computed once, when a
  // questionnaire or a repeat instance starts, into the questions still empty; the respondent
  // may change it, and a reload keeps what they chose.
  const applyDefaults = (scope) => {
    own(scope, ".sq").forEach((box) => {
      const tree = rulesOf(box).default;
      if (!tree || rawValue(box) !== "") return;
      let value = valueText(evaluate(tree, {}));
      if (box.dataset.widget === "date") value = value.slice(0, 10);
      else if (box.dataset.widget === "time") value = (value.split("T")[1] || value).slice(0, 5);
      setValue(box, value);
    });
  };

  // --- one question per screen --------------------------------------------------------------------

  const paged = () => form.classList.contains("sf-paged");
  const steps = () =>
    $$(".sq, [data-repeat]", form).filter(
      (el) => scopeOf(el) === form && el.dataset.widget !== "calculate" && !el.dataset.follows && !hiddenInForm(el),
    );
  // Hidden by skip logic (the form itself is hidden while the consent is shown).
  const hiddenInForm = (element) => {
    for (let node = element; node && node !== form; node = node.parentElement) if (node.hidden) return true;
    return false;
  };
  const showStep = () => {
    const visible = steps();
    draft.step = Math.max(0, Math.min(draft.step, visible.length - 1));
    const current = visible[draft.step];
    $$(".sq, [data-repeat], [data-group]", form).forEach((el) => {
      if (scopeOf(el) !== form) return;
      // A group shows around its question; an "other, please say" box beside its choice question.
      const on =
        el === current ||
        (el.dataset.group !== undefined && current && el.contains(current)) ||
        (el.dataset.follows !== undefined && current && current.dataset.name === el.dataset.follows);
      el.classList.toggle("sf-off", !on);
    });
    const last = draft.step >= visible.length - 1;
    $("[data-previous]", form).hidden = draft.step === 0;
    $("[data-next]", form).hidden = last;
    $("[data-submit]", form).hidden = !last;
    const progress = $("[data-progress]", form);
    progress.hidden = false;
    $("progress", progress).max = visible.length;
    $("progress", progress).value = draft.step + 1;
    $("#sf-progress-text").textContent = fill(MESSAGES.progress, { n: draft.step + 1, total: visible.length });
  };
  const setMode = (mode) => {
    form.classList.toggle("sf-paged", mode === "paged");
    $$("[data-mode]", form).forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.mode === mode)));
    if (mode !== "paged") {
      $$(".sf-off", form).forEach((el) => el.classList.remove("sf-off"));
      $("[data-progress]", form).hidden = true;
      $("[data-previous]", form).hidden = true;
      $("[data-next]", form).hidden = true;
      $("[data-submit]", form).hidden = false;
    }
    try {
      localStorage.setItem(MODE_KEY, mode);
    } catch (error) {
      /* the choice lasts for this page only */
    }
    refresh();
  };
  const focusOn = (element) => {
    const target = $("input:not([type=hidden]), select, textarea, button", element) || element;
    target.focus();
  };
  const move = (delta) => {
    const current = steps()[draft.step];
    if (delta > 0 && current) {
      const here = state.problems.filter((p) => p.box === current || current.contains(p.box));
      if (here.length) {
        here.forEach((p) => {
          p.box.dataset.touched = "1";
        });
        showProblems(state.problems, false);
        focusOn(here[0].box);
        return;
      }
    }
    draft.step += delta;
    saveDraft();
    showStep();
    const next = steps()[draft.step];
    if (next) focusOn(next);
  };

  // --- sending, and the outbox for when the network is down ----------------------------------

  let csrfToken = ($('meta[name="csrf-token"]') || { content: "" }).content;
  const renewToken = async () => {
    try {
      const page = await fetch(window.location.pathname, { credentials: "same-origin" });
      const html = new DOMParser().parseFromString(await page.text(), "text/html");
      csrfToken = ($('meta[name="csrf-token"]', html) || { content: csrfToken }).content;
      return true;
    } catch (error) {
      return false;
    }
  };
  const send = async (item, renewed = false) => {
    if (navigator.onLine === false) return { kind: "offline" };
    let response;
    try {
      response = await fetch(spec.submit_url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken },
        body: JSON.stringify(item),
      });
    } catch (error) {
      return { kind: "offline" };
    }
    let body = {};
    try {
      body = await response.json();
    } catch (error) {
      /* a proxy's page, not ours */
    }
    if (response.ok) return { kind: "stored" };
    if (response.status === 422 && Array.isArray(body.problems)) return { kind: "problems", problems: body.problems };
    if (response.status === 410) return { kind: "closed", message: body.message || "" };
    if (response.status === 403 && body.error === "csrf_failed" && !renewed && (await renewToken())) return send(item, true);
    if ([400, 404, 413].includes(response.status)) return { kind: "refused", message: body.message || String(response.status) };
    return { kind: "later", status: response.status }; // 5xx, or a collector signed out: try again
  };

  const outbox = () => load(OUTBOX_KEY, []);
  const keep = (items) => (items.length ? save(OUTBOX_KEY, items) : (forget(OUTBOX_KEY), true));
  const status = $("#sf-status");
  const say = (message) => {
    status.textContent = message;
    status.hidden = !message;
  };

  let flushing = null;
  // Send what waits in the outbox, oldest first; returns {instance id: outcome}.
  const flush = () => {
    if (!flushing) flushing = flushOnce().finally(() => (flushing = null));
    return flushing;
  };
  const flushOnce = async () => {
    const outcomes = {};
    let sent = 0;
    for (const item of outbox()) {
      if (item.refused) continue;
      const outcome = await send(item);
      outcomes[item.instance_id] = outcome;
      let items = outbox();
      const index = items.findIndex((i) => i.instance_id === item.instance_id);
      if (outcome.kind === "stored" || outcome.kind === "problems") {
        if (index >= 0) items.splice(index, 1);
        if (outcome.kind === "stored") sent += 1;
        if (outcome.kind === "problems" && item.instance_id !== draft.instance_id && index >= 0) {
          items.push({ ...item, refused: outcome.problems.map((p) => p.message).join(" ") });
        }
      } else if (index >= 0 && (outcome.kind === "closed" || outcome.kind === "refused")) {
        items[index] = { ...items[index], [outcome.kind]: outcome.message };
      }
      keep(items);
      if (outcome.kind === "offline" || outcome.kind === "later" || outcome.kind === "closed") break;
    }
    report(sent, outcomes);
    const saved = $("#sf-saved");
    if (pending && (outcomes[pending] || {}).kind === "stored" && !saved.hidden) show("#sf-done");
    if (waiting() && !retry) retry = window.setInterval(flush, RETRY_MS);
    if (!waiting() && retry) retry = window.clearInterval(retry);
    return outcomes;
  };
  let retry = null;
  let pending = null; // the questionnaire this page put in the outbox last
  const waiting = () => outbox().some((item) => !item.refused);
  const report = (sent, outcomes) => {
    const items = outbox();
    const closed = items.filter((item) => item.closed);
    const refused = items.filter((item) => item.refused);
    const later = Object.values(outcomes).find((o) => o.kind === "later");
    const lines = [];
    if (sent) lines.push(fill(MESSAGES.outbox_sent, { count: sent }));
    if (closed.length) lines.push(fill(MESSAGES.closed_kept, { count: closed.length, message: closed[0].closed }));
    else if (later) lines.push(fill(MESSAGES.server_error, { status: later.status }));
    else if (items.length > refused.length) lines.push(fill(MESSAGES.outbox_waiting, { count: items.length - refused.length }));
    refused.forEach((item) => lines.push(fill(MESSAGES.rejected, { message: item.refused })));
    say(lines.join(" "));
  };

  const show = (section) => {
    ["#sf-consent", "#sf-declined", "#sf-done", "#sf-saved"].forEach((id) => {
      const element = $(id);
      if (element) element.hidden = id !== section;
    });
    form.hidden = section !== "form";
    const shown = section === "form" ? null : $(section);
    if (shown && shown.tabIndex === -1) shown.focus();
  };

  const submit = async () => {
    form.dataset.tried = "1";
    refresh();
    const problemsBox = $("#sf-problems");
    if (state.problems.length) {
      problemsBox.textContent = fill(MESSAGES.problems, { count: state.problems.length });
      problemsBox.hidden = false;
      const first = state.problems[0].box;
      if (paged()) {
        const top = steps().findIndex((step) => step === first || step.contains(first));
        if (top >= 0) draft.step = top;
        showStep();
      }
      focusOn(first);
      return;
    }
    problemsBox.hidden = true;
    const item = {
      instance_id: draft.instance_id,
      answers: state.answers,
      started_at: draft.started_at,
      completed_at: new Date().toISOString(),
      version: spec.version,
    };
    // Into the outbox first: whatever happens to the request, the answers are on the device.
    const kept = keep([...outbox().filter((i) => i.instance_id !== item.instance_id), item]);
    pending = item.instance_id;
    say(MESSAGES.sending);
    $("[data-submit]", form).disabled = true;
    let outcomes = kept ? await flush() : { [item.instance_id]: await send(item) };
    if (!(item.instance_id in outcomes)) outcomes = await flush(); // a retry was already under way
    const outcome = outcomes[item.instance_id] || { kind: "offline" };
    $("[data-submit]", form).disabled = false;
    if (outcome.kind === "refused" || (!kept && outcome.kind !== "stored" && outcome.kind !== "problems")) {
      // Sending again will not help, or nothing could be kept on the device: the answers stay
      // in the form, with the reason.
      keep(outbox().filter((i) => i.instance_id !== item.instance_id));
      say("");
      problemsBox.textContent = outcome.kind === "refused" ? outcome.message : MESSAGES.no_storage;
      problemsBox.hidden = false;
      return;
    }
    if (outcome.kind === "problems") {
      // The server writes a form's own message as the form has it: its `${name}` filled here.
      const byName = new Map(outcome.problems.map((p) => [p.name, withAnswers(p.message, state.readable || {})]));
      const boxes = $$(".sq", form).filter((box) => byName.has(box.dataset.name));
      boxes.forEach((box) => {
        $(".sq-error", box).textContent = byName.get(box.dataset.name);
        box.classList.add("has-error");
      });
      problemsBox.textContent = outcome.problems.map((p) => withAnswers(p.message, state.readable || {})).join(" ");
      problemsBox.hidden = false;
      if (boxes.length) focusOn(boxes[0]);
      return;
    }
    forget(DRAFT_KEY); // sent, or safe in the outbox
    show(outcome.kind === "stored" ? "#sf-done" : "#sf-saved");
    if (outcome.kind === "offline") say(""); // the panel says it: saved here, sent when online
  };

  // A fresh questionnaire in place (no reload: the page may be offline).
  const startOver = () => {
    draft = newDraft();
    form.reset();
    delete form.dataset.tried;
    $$(".sr-instance", form).forEach((instance) => instance.remove());
    $$("[data-touched]", form).forEach((box) => delete box.dataset.touched);
    $$("[data-filter-key]", form).forEach((box) => delete box.dataset.filterKey);
    $$("[data-extra]", form).forEach((box) => delete box.dataset.extra);
    $("#sf-problems").hidden = true;
    applyDefaults(form);
    draft.defaulted = true;
    saveDraft();
    begin();
  };

  const begin = () => {
    if (spec.consent && !draft.consented) {
      show("#sf-consent");
      return;
    }
    show("form");
    refresh();
  };

  // --- wiring ---------------------------------------------------------------------------------

  const touched = (event) => {
    const box = event.target.closest(".sq");
    if (box) box.dataset.touched = "1";
    refresh();
    saveDraft();
  };
  form.addEventListener("change", touched);
  form.addEventListener("input", (event) => {
    refresh();
    saveDraft();
    const box = event.target.closest(".sq");
    if (box && box.classList.contains("has-error")) box.dataset.touched = "1";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (paged() && !$("[data-next]", form).hidden) move(1);
    else submit();
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.mode) setMode(button.dataset.mode);
    else if (button.hasAttribute("data-next")) move(1);
    else if (button.hasAttribute("data-previous")) move(-1);
    else if (button.hasAttribute("data-add-instance")) {
      const instance = addInstance(button.closest("[data-repeat]"));
      applyDefaults(instance);
      refresh();
      saveDraft();
      focusOn(instance);
    } else if (button.hasAttribute("data-remove-instance")) {
      const repeat = button.closest("[data-repeat]");
      button.closest(".sr-instance").remove();
      numberInstances(repeat);
      refresh();
      saveDraft();
    } else if (button.hasAttribute("data-locate")) locate(button.closest(".sq"));
  });
  const locate = (box) => {
    const note = $(".sq-located", box);
    if (!navigator.geolocation) {
      note.textContent = MESSAGES.location_unsupported;
      return;
    }
    note.textContent = MESSAGES.locating;
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        $("[data-part=lat]", box).value = coords.latitude.toFixed(6);
        $("[data-part=lon]", box).value = coords.longitude.toFixed(6);
        box.dataset.extra = ` ${Math.round(coords.altitude || 0)} ${Math.round(coords.accuracy || 0)}`;
        note.textContent = "";
        box.dataset.touched = "1";
        refresh();
        saveDraft();
      },
      () => {
        note.textContent = MESSAGES.location_failed;
      },
      { enableHighAccuracy: true, timeout: 20000 },
    );
  };
  // Typing new coordinates by hand drops the altitude and accuracy of an earlier fix.
  form.addEventListener("input", (event) => {
    if (event.target.dataset.part) delete event.target.closest(".sq").dataset.extra;
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || form.contains(button)) return;
    if (button.dataset.consent === "yes") {
      draft.consented = true;
      draft.started_at = new Date().toISOString();
      saveDraft();
      begin();
      const first = steps()[paged() ? draft.step : 0];
      if (first) focusOn(first);
    } else if (button.dataset.consent === "no") show("#sf-declined");
    else if (button.dataset.consent === "back") show("#sf-consent");
    else if (button.hasAttribute("data-new-questionnaire")) startOver();
  });
  window.addEventListener("online", () => flush());

  // Contact data for follow-up, where the survey asks for it: offered after the answers were
  // stored, and sent apart from them (the server keeps it in its own table).
  const contactForm = $("#sf-contact");
  if (contactForm) {
    contactForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const status = $("[data-contact-status]", contactForm);
      const contact = Object.fromEntries(new FormData(contactForm));
      let ok = false;
      try {
        const response = await fetch(`/f/${spec.token}/contact`, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken },
          body: JSON.stringify({ instance_id: pending, contact }),
        });
        ok = response.ok;
      } catch (error) {
        ok = false;
      }
      status.textContent = ok ? contactForm.dataset.ok : contactForm.dataset.failed;
      if (ok) contactForm.querySelectorAll("input, button").forEach((e) => { e.disabled = true; });
    });
  }

  restore(form, draft.raw || {});
  if (!draft.defaulted) {
    applyDefaults(form);
    draft.defaulted = true;
    draft.raw = rawOf(form);
  }
  save(DRAFT_KEY, draft);
  let savedMode = "all";
  try {
    savedMode = localStorage.getItem(MODE_KEY) === "paged" ? "paged" : "all";
  } catch (error) {
    /* no storage: all questions on one page */
  }
  setMode(savedMode);
  begin();
  if (outbox().length) flush();

  // --- opening the page again without a network ------------------------------------------------
  // The service worker (/f/survey-sw.js) keeps a copy of this page and its files. It needs a
  // secure context (https, or localhost): over plain http the page still keeps its draft and
  // outbox, but a reload offline shows the browser's error page.
  const keepOffline = async () => {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    const loadedThroughWorker = Boolean(navigator.serviceWorker.controller); // so already kept
    try {
      await navigator.serviceWorker.register("/f/survey-sw.js", { scope: "/f/" });
      const registration = await navigator.serviceWorker.ready;
      if (loadedThroughWorker) return;
      const files = $$("script[src], link[rel=stylesheet][href], link[rel=icon][href]").map((e) => e.src || e.href);
      registration.active.postMessage({ keep: [window.location.pathname + window.location.search, ...files] });
    } catch (error) {
      /* no worker (a browser setting, private mode): the page works, online only after a reload */
    }
  };
  // After the load, when the browser is idle: the respondent's first taps come first.
  window.addEventListener("load", () => {
    if ("requestIdleCallback" in window) window.requestIdleCallback(keepOffline, { timeout: 3000 });
    else window.setTimeout(keepOffline, 500);
  });
})();
