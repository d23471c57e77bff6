// Reads an iCalendar text on stdin, parses it with Mozilla's ical.js (the parser inside
// Thunderbird) and prints what it understood as JSON, so that the Python tests check our
// feeds and files with a parser we did not write. tests/calendar_fixtures.py runs it.
//
//   node parse_ics.mjs < feed.ics
//       {"calendar": {...}, "events": [...]}
//   node parse_ics.mjs --convert Europe/Stockholm 2026-03-29T01:30:00 ... < zone.ics
//       ["2026-03-29T00:30:00Z", ...]: each wall-clock time in that zone, in UTC, as the
//       VTIMEZONE in the input (and only it) says.
//
// Any error (the parser's, a value it cannot read, a TZID without a VTIMEZONE in --convert)
// exits with status 2 and the message on stderr.
//
// Time zones: every VTIMEZONE in the input is registered with ICAL.TimezoneService, and
// nothing else is: ical.js ships no zone data of its own, so a TZID that the file does not
// define stays "floating" (a wall-clock time without a zone) and its utc is null here.
//
// The report (null where the file has no such property):
//   calendar: prodid, version, calscale, method, name (RFC 7986 NAME), x_wr_calname,
//     refresh_interval ("PT1H") and refresh_interval_type (the value type ical.js used:
//     "duration" with VALUE=DURATION), x_published_ttl, timezones (the VTIMEZONEs' TZIDs),
//     x_wr_timezone, x_props (other X- properties)
//   events, in file order: uid, sequence (a number), status, summary, description, location,
//     url, categories (the values of every CATEGORIES), organizer {value, cn},
//     attendees [{value, cn, partstat, rsvp, role}] (parameters as written, "TRUE"),
//     dtstamp, created, last_modified ("YYYY-MM-DDTHH:MM:SSZ"), start and end
//     {tzid (the TZID parameter), local (the wall clock as written, or the date),
//     utc ("…Z", or null for a date or a floating time), is_date, zone ("UTC", the TZID
//     ical.js found a VTIMEZONE for, or "floating")}, end worked out from DURATION when
//     there is no DTEND, x_props {"X-NAME": value, or a list when it occurs more than once}
//
// How ical.js 2.2 turns a wall-clock time into UTC with a VTIMEZONE (see
// tests/test_ical_js_harness.py): a skipped or repeated time takes the offset in force
// after the change; a time before the VTIMEZONE's first onset gets no offset at all; an
// observance with RDATEs and no RRULE does not count its DTSTART as an onset, and of an
// RDATE with several dates only the first counts.

import ICAL from "ical.js";

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

function fail(message) {
  process.stderr.write(`parse_ics: ${message}\n`);
  process.exit(2);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  // Invalid UTF-8 is an error, not a replacement character: RFC 5545 text is UTF-8.
  return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
}

// ical.js closes a component at any END line, whatever it names (END:VCALENDAR closes a
// VEVENT); so the nesting of BEGIN and END is checked here, on the unfolded lines.
function checkNesting(text) {
  const stack = [];
  const lines = text.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  lines.forEach((line, index) => {
    const match = /^(BEGIN|END):(.*)$/i.exec(line);
    if (!match) return;
    const name = match[2].trim().toUpperCase();
    if (match[1].toUpperCase() === "BEGIN") stack.push(name);
    else if (stack.pop() !== name) {
      throw new Error(`line ${index + 1}: END:${name} does not close the component that is open`);
    }
  });
}

function parseCalendar(text) {
  checkNesting(text);
  const jcal = ICAL.parse(text);
  // ical.js returns the component itself for one root, a list for none or several.
  if (!Array.isArray(jcal) || typeof jcal[0] !== "string") {
    throw new Error(`expected exactly one VCALENDAR, found ${Array.isArray(jcal) ? jcal.length : 0}`);
  }
  const root = new ICAL.Component(jcal);
  if (root.name !== "vcalendar") {
    throw new Error(`expected a VCALENDAR, found ${root.name.toUpperCase()}`);
  }
  return root;
}

// Reading every value of every property makes ical.js decode them all (it decodes lazily),
// so that a value it cannot read anywhere in the file is an error, not something unnoticed.
// ical.js also rolls an impossible date over (20261345 becomes 2027-02-14), so every DATE
// and DATE-TIME it decoded must read back as it was written.
function decodeEverything(component) {
  for (const property of component.getAllProperties()) {
    const values = property.getValues();
    if (property.type !== "date" && property.type !== "date-time") continue;
    const written = property.toJSON().slice(3);
    values.forEach((value, index) => {
      const raw = String(written[index]).replace(/Z$/, "");
      if (localString(value) !== raw) {
        throw new Error(`${property.name.toUpperCase()}: ${written[index]} is not a valid ${property.type}`);
      }
    });
  }
  for (const child of component.getAllSubcomponents()) decodeEverything(child);
}

function registerTimezones(root) {
  ICAL.TimezoneService.reset();
  const tzids = [];
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
    const tzid = vtimezone.getFirstPropertyValue("tzid");
    if (!tzid) throw new Error("a VTIMEZONE without TZID");
    if (tzids.includes(tzid)) throw new Error(`two VTIMEZONEs with TZID ${tzid}`);
    ICAL.TimezoneService.register(new ICAL.Timezone({ component: vtimezone, tzid }), tzid);
    tzids.push(tzid);
  }
  return tzids;
}

const pad = (number, width = 2) => String(number).padStart(width, "0");

function localString(time) {
  const day = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  return time.isDate ? day : `${day}T${pad(time.hour)}:${pad(time.minute)}:${pad(time.second)}`;
}

// The moment in UTC, "YYYY-MM-DDTHH:MM:SSZ", or null for a date or a floating time (which
// are no moment until a reader picks a zone).
function utcString(time) {
  if (!time || time.isDate || time.zone === ICAL.Timezone.localTimezone) return null;
  const utc = time.convertToZone(ICAL.Timezone.utcTimezone);
  return `${localString(utc)}Z`;
}

function timeReport(property, time) {
  if (!time) return null;
  return {
    tzid: property ? property.getParameter("tzid") ?? null : null,
    local: localString(time),
    utc: utcString(time),
    is_date: time.isDate,
    // "UTC" for a value written with Z, the TZID when the file defines it, else "floating".
    zone: time.zone === ICAL.Timezone.localTimezone ? "floating" : time.zone.tzid,
  };
}

const text = (component, name) => {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
};

function moment(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value ? utcString(value) : null;
}

function person(property) {
  return {
    value: String(property.getFirstValue()),
    cn: property.getParameter("cn") ?? null,
    partstat: property.getParameter("partstat") ?? null,
    rsvp: property.getParameter("rsvp") ?? null,
    role: property.getParameter("role") ?? null,
  };
}

// X- properties by their name in capitals; a name that occurs more than once gives a list.
function xProperties(component, skip = []) {
  const found = {};
  for (const property of component.getAllProperties()) {
    if (!property.name.startsWith("x-") || skip.includes(property.name)) continue;
    const name = property.name.toUpperCase();
    const value = property.getValues().map(String).join(",");
    if (!(name in found)) found[name] = value;
    else found[name] = [].concat(found[name], value);
  }
  return found;
}

function eventReport(vevent) {
  const event = new ICAL.Event(vevent);
  const sequence = vevent.getFirstPropertyValue("sequence");
  const organizer = vevent.getFirstProperty("organizer");
  const dtstart = vevent.getFirstProperty("dtstart");
  const dtend = vevent.getFirstProperty("dtend");
  let end = null;
  if (dtend) end = timeReport(dtend, dtend.getFirstValue());
  // With DURATION instead of DTEND, ical.js works the end out from the start.
  else if (vevent.hasProperty("duration")) end = timeReport(dtstart, event.endDate);
  return {
    uid: text(vevent, "uid"),
    sequence: sequence === null || sequence === undefined ? null : Number(sequence),
    status: text(vevent, "status"),
    summary: text(vevent, "summary"),
    description: text(vevent, "description"),
    location: text(vevent, "location"),
    url: text(vevent, "url"),
    categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues().map(String)),
    organizer: organizer
      ? { value: String(organizer.getFirstValue()), cn: organizer.getParameter("cn") ?? null }
      : null,
    attendees: vevent.getAllProperties("attendee").map(person),
    dtstamp: moment(vevent, "dtstamp"),
    created: moment(vevent, "created"),
    last_modified: moment(vevent, "last-modified"),
    start: dtstart ? timeReport(dtstart, dtstart.getFirstValue()) : null,
    end,
    x_props: xProperties(vevent),
  };
}

function report(root, tzids) {
  const refresh = root.getFirstProperty("refresh-interval");
  return {
    calendar: {
      prodid: text(root, "prodid"),
      version: text(root, "version"),
      calscale: text(root, "calscale"),
      method: text(root, "method"),
      name: text(root, "name"),
      x_wr_calname: text(root, "x-wr-calname"),
      refresh_interval: refresh ? String(refresh.getFirstValue()) : null,
      // RFC 7986 wants VALUE=DURATION on REFRESH-INTERVAL; ical.js reports the type it used.
      refresh_interval_type: refresh ? refresh.type : null,
      x_published_ttl: text(root, "x-published-ttl"),
      timezones: tzids,
      x_wr_timezone: text(root, "x-wr-timezone"),
      x_props: xProperties(root, ["x-wr-calname", "x-published-ttl", "x-wr-timezone"]),
    },
    events: root.getAllSubcomponents("vevent").map(eventReport),
  };
}

function convert(root, tzid, locals) {
  const zone = ICAL.TimezoneService.get(tzid);
  if (!zone || !root.getAllSubcomponents("vtimezone").some((c) => c.getFirstPropertyValue("tzid") === tzid)) {
    throw new Error(`no VTIMEZONE with TZID ${tzid} in the input`);
  }
  return locals.map((local) => {
    const match = LOCAL.exec(local);
    if (!match) throw new Error(`not a local time YYYY-MM-DDTHH:MM:SS: ${local}`);
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    const time = new ICAL.Time({ year, month, day, hour, minute, second, isDate: false }, zone);
    return utcString(time);
  });
}

async function main() {
  const args = process.argv.slice(2);
  let mode = "parse";
  if (args[0] === "--convert") {
    if (args.length < 2) fail("usage: parse_ics.mjs --convert TZID LOCAL... < calendar.ics");
    mode = "convert";
  } else if (args.length) {
    fail(`unknown arguments: ${args.join(" ")}`);
  }
  let output;
  try {
    const root = parseCalendar(await readStdin());
    const tzids = registerTimezones(root);
    decodeEverything(root);
    output = mode === "convert" ? convert(root, args[1], args.slice(2)) : report(root, tzids);
  } catch (error) {
    fail(error && error.message ? `${error.name}: ${error.message}` : String(error));
  }
  process.stdout.write(JSON.stringify(output) + "\n");
}

await main();
