const mexicoCity = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Mexico_City',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date ('AAAA-MM-DD') in Mexico City at an instant: SEP's own notion of "today". */
export function mexicoCityDate(instant: Date): string {
  return mexicoCity.format(instant);
}

const mexicoCityDateTime = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Mexico_City',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Local Mexico City date and time as SEP writes its seal dates: 'AAAA-MM-DDThh:mm:ss'. */
export function mexicoCityDateTimeText(instant: Date): string {
  const parts = Object.fromEntries(mexicoCityDateTime.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}`;
}
