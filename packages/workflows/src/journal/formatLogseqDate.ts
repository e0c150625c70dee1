const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const TOKEN = /'[^']*'|yyyy|yy|MMMM|MMM|MM|M|do|dd|d|EEEE|EEE|E/g;

/**
 * A day (`YYYY-MM-DD`) written in a Logseq date format, as `:journal/file-name-format`
 * (`yyyy_MM_dd`) and `:journal/page-title-format` (`MMM do, yyyy`) give it: the cljs-time
 * tokens `yyyy yy MMMM MMM MM M dd d do EEEE EEE E`, text in single quotes, anything else as is.
 */
export function formatLogseqDate(date: string, format: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`"${date}" is not a day as YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const pad = (n: number) => String(n).padStart(2, '0');
  return format.replace(TOKEN, (token) => {
    switch (token) {
      case 'yyyy':
        return String(year);
      case 'yy':
        return pad(year % 100);
      case 'MMMM':
        return MONTHS[month - 1]!;
      case 'MMM':
        return MONTHS[month - 1]!.slice(0, 3);
      case 'MM':
        return pad(month);
      case 'M':
        return String(month);
      case 'dd':
        return pad(day);
      case 'd':
        return String(day);
      case 'do':
        return `${day}${ordinal(day)}`;
      case 'EEEE':
        return DAYS[weekday]!;
      case 'EEE':
      case 'E':
        return DAYS[weekday]!.slice(0, 3);
      default:
        return token.slice(1, -1);
    }
  });
}

function ordinal(day: number): string {
  if (day >= 11 && day <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}
