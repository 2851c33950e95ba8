// Answers of the records API in the shape the server gives them, for the page's tests.
import type { FundingAnswer, RollUp, SendaiAnswer } from './types';

export const ROLLUP: RollUp = {
  kind: 'losses',
  version: 3,
  field: 'deaths',
  aggregate: 'sum',
  level: 'district',
  period: 'year',
  rows: [
    { code: '34', period: '2022', value: 1, records: 1 },
    { code: '34', period: '2023', value: 8, records: 2 },
    { code: '36', period: '2023', value: 12, records: 3 },
    { code: '43', period: '2023', value: 0, records: 1 },
  ],
  coarser: [{ code: '', period: '2023', value: 4, records: 1 }],
  names: { '34': 'Karongi', '36': 'Rubavu', '43': 'Nyabihu' },
};

export const SENDAI: SendaiAnswer = {
  level: 'district',
  names: { '34': 'Karongi' },
  report: {
    losses_version: 3,
    population: ['population-2022', 1],
    definitions: [
      { code: 'A-1', title: 'Deaths and missing persons', unit: 'people' },
      { code: 'A-2', title: 'Deaths', unit: 'people' },
      { code: 'C-2', title: 'Direct agricultural loss', unit: 'USD', not_recorded: 'the datacard records crops in hectares and livestock in heads, not their value' },
    ],
    rows: [{ code: '34', year: 2023, population: 331000, records: 2, figures: [{ code: 'A-1', value: 9, per_100k: 2.72 }, { code: 'A-2', value: 8, per_100k: 2.42 }, { code: 'C-2', value: null }] }],
  },
};

export const FUNDING: FundingAnswer = {
  disbursements_version: 2,
  fiscal_year: null,
  units: [
    { code: '36', name: 'Rubavu', displaced: 1200, needs_of_displaced: { food_tonnes_per_day: 0.6, water_litres_per_day: 18000 }, disbursed_usd: 0, usd_per_displaced: 0, rank: 1 },
    { code: '34', name: 'Karongi', displaced: 400, needs_of_displaced: { food_tonnes_per_day: 0.2, water_litres_per_day: 6000 }, disbursed_usd: 52000, usd_per_displaced: 130, rank: 2 },
    { code: '43', name: 'Nyabihu', displaced: 0, disbursed_usd: 800, usd_per_displaced: null, rank: null },
  ],
};
