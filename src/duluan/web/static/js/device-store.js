// What the offline forms (survey-form.js, field-report.js) keep on the device: JSON in
// localStorage, which may refuse (private browsing, a full disk), and the instance id made once
// per questionnaire or report, so that sending it twice stores it once.
window.duluanDevice = (() => {
  "use strict";

  const load = (key, fallback) => {
    try {
      const stored = localStorage.getItem(key);
      return stored ? JSON.parse(stored) : fallback;
    } catch (error) {
      return fallback;
    }
  };
  const save = (key, value) => {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false;
    }
  };
  const forget = (key) => {
    try {
      localStorage.removeItem(key);
    } catch (error) {
      /* nothing stored, nothing to remove */
    }
  };

  // crypto.randomUUID exists only on https and localhost; intranets often serve plain http.
  const newInstanceId = () => {
    if (window.crypto && crypto.randomUUID) return `uuid:${crypto.randomUUID()}`;
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };

  return Object.freeze({ load, save, forget, newInstanceId });
})();
