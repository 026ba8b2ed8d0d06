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
