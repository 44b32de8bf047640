/**
 * Time zone abbreviations people write, and the zones they may mean. One that names a single
 * zone without daylight time is read as that zone; the others are refused (see
 * time-zone-parse.ts): they name the offset of one season, or several zones. The table says
 * what to write instead.
 */
export interface Candidate {
  zone: string;
  meaning: string;
}

const c = (zone: string, meaning: string): Candidate => ({ zone, meaning });

export const ABBREVIATIONS: Readonly<Record<string, readonly Candidate[]>> = {
  GMT: [c('UTC', 'no summer time'), c('Europe/London', 'UK time, with summer time')],
  Z: [c('UTC', 'Zulu time')],
  WET: [c('Europe/Lisbon', 'Western European time')],
  WEST: [c('Europe/Lisbon', 'Western European summer time')],
  BST: [c('Europe/London', 'British Summer Time'), c('Asia/Dhaka', 'Bangladesh Standard Time')],
  IST: [c('Asia/Kolkata', 'India Standard Time'), c('Europe/Dublin', 'Irish Standard Time'), c('Asia/Jerusalem', 'Israel Standard Time')],
  CET: [c('Europe/Paris', 'Central European time'), c('Europe/Berlin', 'Central European time')],
  CEST: [c('Europe/Paris', 'Central European summer time'), c('Europe/Berlin', 'Central European summer time')],
  EET: [c('Europe/Athens', 'Eastern European time'), c('Europe/Helsinki', 'Eastern European time')],
  EEST: [c('Europe/Athens', 'Eastern European summer time'), c('Europe/Helsinki', 'Eastern European summer time')],
  MSK: [c('Europe/Moscow', 'Moscow time')],
  EST: [c('America/New_York', 'US Eastern, with daylight time'), c('UTC-05:00', 'fixed, never daylight time')],
  EDT: [c('America/New_York', 'US Eastern daylight time')],
  CST: [c('America/Chicago', 'US Central Standard Time'), c('Asia/Shanghai', 'China Standard Time'), c('America/Havana', 'Cuba Standard Time')],
  CDT: [c('America/Chicago', 'US Central daylight time'), c('America/Havana', 'Cuba daylight time')],
  MST: [c('America/Denver', 'US Mountain, with daylight time'), c('America/Phoenix', 'Arizona, no daylight time')],
  MDT: [c('America/Denver', 'US Mountain daylight time')],
  PST: [c('America/Los_Angeles', 'US Pacific, with daylight time'), c('Asia/Manila', 'Philippine Standard Time')],
  PDT: [c('America/Los_Angeles', 'US Pacific daylight time')],
  AKST: [c('America/Anchorage', 'Alaska time')],
  AKDT: [c('America/Anchorage', 'Alaska daylight time')],
  HST: [c('Pacific/Honolulu', 'Hawaii time')],
  AST: [c('America/Halifax', 'Atlantic Standard Time'), c('Asia/Riyadh', 'Arabia Standard Time')],
  ADT: [c('America/Halifax', 'Atlantic daylight time')],
  NST: [c('America/St_Johns', 'Newfoundland time')],
  NDT: [c('America/St_Johns', 'Newfoundland daylight time')],
  BRT: [c('America/Sao_Paulo', 'Brasília time')],
  ART: [c('America/Argentina/Buenos_Aires', 'Argentina time')],
  SAST: [c('Africa/Johannesburg', 'South Africa time')],
  WAT: [c('Africa/Lagos', 'West Africa time')],
  CAT: [c('Africa/Maputo', 'Central Africa time')],
  EAT: [c('Africa/Nairobi', 'East Africa time')],
  PKT: [c('Asia/Karachi', 'Pakistan time')],
  ICT: [c('Asia/Bangkok', 'Indochina time')],
  WIB: [c('Asia/Jakarta', 'Western Indonesia time')],
  SGT: [c('Asia/Singapore', 'Singapore time')],
  HKT: [c('Asia/Hong_Kong', 'Hong Kong time')],
  PHT: [c('Asia/Manila', 'Philippine time')],
  JST: [c('Asia/Tokyo', 'Japan time')],
  KST: [c('Asia/Seoul', 'Korea time')],
  AWST: [c('Australia/Perth', 'Australian Western time')],
  ACST: [c('Australia/Adelaide', 'South Australia, with daylight time'), c('Australia/Darwin', 'Northern Territory, no daylight time')],
  ACDT: [c('Australia/Adelaide', 'Australian Central daylight time')],
  AEST: [c('Australia/Sydney', 'New South Wales/Victoria, with daylight time'), c('Australia/Brisbane', 'Queensland, no daylight time')],
  AEDT: [c('Australia/Sydney', 'Australian Eastern daylight time')],
  NZST: [c('Pacific/Auckland', 'New Zealand time')],
  NZDT: [c('Pacific/Auckland', 'New Zealand daylight time')],
};
