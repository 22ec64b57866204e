// XLSForm expressions in the respondent's browser: skip logic, constraints and calculations as
// they type, offline. No parser here: the server parses each expression once (surveys/
// expressions.py, whose docstring describes the tree) and this file evaluates that tree with the
// same rules as the Python evaluator. tests/surveys/expression_cases.json holds the cases both
// must agree on; change one side only together with the other.
//
//   window.duluanExpressions.evaluate(tree, answers, current, today, now, choice)
//     answers: { name: value } (null/undefined: unanswered; arrays: select_multiple choices)
//     current: the answer "." stands for; choice: the choices-sheet row a choice_filter reads
//     today: "YYYY-MM-DD" or a Date; now: an ISO string or a Date (both default to the clock)
(() => {
  "use strict";

  const XPATH_NUMBER = /^[ \t\r\n]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\r\n]*$/;
  const SPACES = /[ \t\r\n]+/;
  const DATE =
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/;
  const DAY_MS = 86400000;
  const FIRST_DAY = -719162; // 0001-01-01, as Python's date.min
  const LAST_DAY = 2932896; // 9999-12-31, as Python's date.max
  const regexCache = new Map();

  // --- values ------------------------------------------------------------------------------------

  const answerValue = (answer) => {
    if (answer === null || answer === undefined) return "";
    if (typeof answer === "boolean" || typeof answer === "number") return answer;
    if (typeof answer === "string") return answer.normalize("NFC");
    if (answer instanceof Date) return isoDateTime(answer);
    if (Array.isArray(answer)) return answer.map((item) => text(answerValue(item))).join(" ");
    throw new TypeError(`an answer of type ${typeof answer} cannot be used in an expression`);
  };

  const truthy = (value) => {
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return !(value === 0 || Number.isNaN(value));
    return value !== "";
  };

  const number = (value) => {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (typeof value === "number") return value;
    const match = XPATH_NUMBER.exec(value);
    if (match) return Number(match[1]);
    const days = dayNumber(value);
    return days === null ? NaN : days;
  };

  const text = (value) => {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value); // "-0" never: String(-0) is "0"
    return value;
  };

  // --- dates: ISO strings; as numbers, days since 1970-01-01 UTC -----------------------------------

  const utcDay = (year, month, day) => {
    const moment = new Date(0);
    moment.setUTCFullYear(year, month - 1, day); // Date.UTC would read years below 100 as 19xx
    return moment;
  };

  const dateParts = (value) => {
    const match = DATE.exec(value);
    if (!match) return null;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map((g) => Number(g || 0));
    const fraction = Number("0" + (match[7] || ""));
    const zone = (match[8] || "Z").replace(":", "");
    const offset = zone === "Z" ? 0 : Number(zone[0] + "1") * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
    const check = utcDay(year, month, day);
    if (year < 1 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return null;
    }
    if (hour > 23 || minute > 59 || second > 59) return null;
    return { year, month, day, hour, minute, second, fraction, offset };
  };

  const dayNumber = (value) => {
    const p = dateParts(value);
    if (!p) return null;
    const whole = Math.round(utcDay(p.year, p.month, p.day).getTime() / DAY_MS);
    return whole + (p.hour * 3600 + p.minute * 60 + p.second + p.fraction) / 86400 - p.offset / 1440;
  };

  const pad = (value, width) => String(value).padStart(width, "0");

  const dayText = (days) => {
    if (Number.isNaN(days) || Math.floor(days) < FIRST_DAY || Math.floor(days) > LAST_DAY) return null;
    const moment = new Date(Math.floor(days) * DAY_MS);
    return `${pad(moment.getUTCFullYear(), 4)}-${pad(moment.getUTCMonth() + 1, 2)}-${pad(moment.getUTCDate(), 2)}`;
  };

  const isoDateTime = (moment) => {
    const offset = -moment.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`;
    return (
      `${pad(moment.getFullYear(), 4)}-${pad(moment.getMonth() + 1, 2)}-${pad(moment.getDate(), 2)}` +
      `T${pad(moment.getHours(), 2)}:${pad(moment.getMinutes(), 2)}:${pad(moment.getSeconds(), 2)}` +
      `.${pad(moment.getMilliseconds(), 3)}${zone}`
    );
  };

  // --- evaluation --------------------------------------------------------------------------------

  const own = (object, name) => (Object.prototype.hasOwnProperty.call(object, name) ? object[name] : null);

  const evaluateNode = (node, context) => {
    switch (node[0]) {
      case "num":
        return Number(node[1]);
      case "str":
        return String(node[1]);
      case "ref":
        return answerValue(own(context.answers, node[1]));
      case "cur":
        return answerValue(context.current);
      case "col":
        return answerValue(own(context.choice, node[1]));
      case "neg":
        return -number(evaluateNode(node[1], context));
      case "op":
        return operate(node[1], node.slice(2), context);
      case "fn":
        return call(node[1], node.slice(2), context);
      default:
        throw new TypeError(`not an expression node: ${JSON.stringify(node)}`);
    }
  };

  const operate = (operator, operands, context) => {
    if (operator === "and" || operator === "or") {
      const stop = operator === "or";
      for (const operand of operands) {
        if (truthy(evaluateNode(operand, context)) === stop) return stop;
      }
      return !stop;
    }
    let result = evaluateNode(operands[0], context);
    for (const operand of operands.slice(1)) result = binary(operator, result, evaluateNode(operand, context));
    return result;
  };

  const binary = (operator, left, right) => {
    if (operator === "=" || operator === "!=") {
      let same;
      if (typeof left === "boolean" || typeof right === "boolean") same = truthy(left) === truthy(right);
      else if (typeof left === "number" || typeof right === "number") same = number(left) === number(right);
      else same = left === right;
      return operator === "=" ? same : !same;
    }
    const a = number(left);
    const b = number(right);
    switch (operator) {
      case "<":
        return a < b;
      case "<=":
        return a <= b;
      case ">":
        return a > b;
      case ">=":
        return a >= b;
      case "+":
        return a + b;
      case "-":
        return a - b;
      case "*":
        return a * b;
      case "div":
        return a / b;
      case "mod":
        return a % b;
      default:
        throw new TypeError(`unknown operator ${operator}`);
    }
  };

  const call = (name, args, context) => {
    if (name === "if") return evaluateNode(truthy(evaluateNode(args[0], context)) ? args[1] : args[2], context);
    if (name === "coalesce") {
      const first = evaluateNode(args[0], context);
      return text(first) !== "" ? first : evaluateNode(args[1], context);
    }
    if (name === "string-length" && args.length === 0) return Array.from(text(answerValue(context.current))).length;
    if (name === "today") return context.today;
    if (name === "now") return context.now;
    const fn = FUNCTIONS[name];
    if (!fn) throw new TypeError(`unknown function ${name}`);
    return fn(...args.map((arg) => evaluateNode(arg, context)));
  };

  const choices = (value) => text(value).split(SPACES).filter((name) => name !== "");

  const clamp = (value, fallback) => (Number.isNaN(value) ? fallback : Math.max(Math.min(value, 1e9), -1e9));

  const substr = (value, start, end) => {
    const characters = Array.from(text(value)); // code points, as Python counts them
    const first = clamp(number(start), 0);
    const last = end === undefined ? characters.length : clamp(number(end), 0);
    return characters.slice(Math.trunc(first), Math.trunc(last)).join("");
  };

  const regex = (value, pattern) => {
    const source = text(pattern);
    if (!regexCache.has(source)) {
      if (regexCache.size >= 256) regexCache.clear(); // patterns may come from answers
      try {
        regexCache.set(source, new RegExp(source));
      } catch (error) {
        regexCache.set(source, null); // the server refuses an invalid literal pattern at import
      }
    }
    const compiled = regexCache.get(source);
    return compiled !== null && compiled.test(text(value));
  };

  const toward = (direction) => (value) => {
    const x = number(value);
    return Number.isFinite(x) ? direction(x) : x;
  };

  // value = 0.digits × 10^point, from the shortest digits that read back as x (> 0), as Python's
  // Decimal(repr(x)) gives them.
  const shortestDigits = (x) => {
    const [mantissa, exponentText = "0"] = String(x).split("e");
    const [whole, fraction = ""] = mantissa.split(".");
    const all = whole + fraction;
    const leading = all.length - all.replace(/^0+/, "").length;
    return { digits: all.slice(leading).replace(/0+$/, ""), point: whole.length - leading + Number(exponentText) };
  };

  // Half away from zero on those digits (ODK Collect), as Python's quantize(ROUND_HALF_UP):
  // round(2.675, 2) is 2.68, not the 2.67 that binary arithmetic would give.
  const roundPlaces = (x, places) => {
    const { digits, point } = shortestDigits(Math.abs(x));
    const keep = point + places; // how many of the digits stay
    if (digits === "" || keep >= digits.length) return x;
    let result = 0;
    if (keep >= 0) {
      const kept = BigInt(digits.slice(0, keep) || "0") + (digits[keep] >= "5" ? 1n : 0n);
      result = Number(`${kept}e${point - keep}`);
    }
    return x < 0 ? -result : result;
  };

  const round = (value, places) => {
    const x = number(value);
    if (!Number.isFinite(x)) return x;
    if (places === undefined) return Math.floor(x + 0.5); // XPath 1.0: halves go up
    const wanted = number(places);
    if (Number.isNaN(wanted)) return NaN;
    return roundPlaces(x, Math.trunc(Math.max(Math.min(wanted, 400), -400)));
  };

  const toDate = (value) => {
    if (typeof value === "string" && dateParts(value)) return value.slice(0, 10);
    if (typeof value === "boolean") return "";
    return dayText(number(value)) || "";
  };

  const moment = (value) => {
    if (typeof value === "string") {
      const p = dateParts(value);
      if (p) return { ...p, milliseconds: Math.min(Math.floor(p.fraction * 1000 + 0.5), 999) };
    }
    if (typeof value === "boolean") return null;
    const days = number(value);
    const day = dayText(days);
    if (day === null) return null;
    let ms = Math.min(Math.floor((days - Math.floor(days)) * DAY_MS + 0.5), DAY_MS - 1);
    const [year, month, date] = day.split("-").map(Number);
    const hour = Math.floor(ms / 3600000);
    const minute = Math.floor((ms % 3600000) / 60000);
    const second = Math.floor((ms % 60000) / 1000);
    ms %= 1000;
    return { year, month, day: date, hour, minute, second, milliseconds: ms };
  };

  const DATE_FORMATS = {
    Y: (d) => pad(d.year, 4),
    y: (d) => pad(d.year % 100, 2),
    m: (d) => pad(d.month, 2),
    n: (d) => String(d.month),
    d: (d) => pad(d.day, 2),
    e: (d) => String(d.day),
    H: (d) => pad(d.hour, 2),
    h: (d) => String(d.hour),
    M: (d) => pad(d.minute, 2),
    S: (d) => pad(d.second, 2),
    3: (d) => pad(d.milliseconds, 3),
  };

  const formatDate = (value, pattern) => {
    const d = moment(value);
    if (d === null) return "";
    return text(pattern).replace(/%(.)/g, (all, code) => (DATE_FORMATS[code] ? DATE_FORMATS[code](d) : all));
  };

  const FUNCTIONS = {
    selected: (value, choice) => choices(value).includes(text(choice).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "")),
    "count-selected": (value) => choices(value).length,
    "selected-at": (value, index) => {
      const list = choices(value);
      const at = number(index);
      return Number.isFinite(at) && Math.trunc(at) >= 0 && Math.trunc(at) < list.length ? list[Math.trunc(at)] : "";
    },
    "string-length": (value) => Array.from(text(value)).length,
    concat: (...values) => values.map(text).join(""),
    contains: (value, part) => text(value).includes(text(part)),
    "starts-with": (value, part) => text(value).startsWith(text(part)),
    "ends-with": (value, part) => text(value).endsWith(text(part)),
    substr,
    regex,
    not: (value) => !truthy(value),
    true: () => true,
    false: () => false,
    boolean: truthy,
    number,
    string: text,
    int: toward(Math.trunc),
    round,
    floor: toward(Math.floor),
    ceiling: toward(Math.ceil),
    abs: (value) => Math.abs(number(value)),
    date: toDate,
    "format-date": formatDate,
  };

  const evaluate = (tree, answers, current, today, now, choice) => {
    const clock = new Date();
    const context = {
      answers: answers || {},
      choice: choice || {},
      current: current === undefined ? null : current,
      today: today instanceof Date || today === undefined || today === null ? isoDateTime(today || clock).slice(0, 10) : String(today),
      now: now instanceof Date || now === undefined || now === null ? isoDateTime(now || clock) : String(now),
    };
    return evaluateNode(tree, context);
  };

  window.duluanExpressions = Object.freeze({ evaluate, truthy, number, text });
})();
