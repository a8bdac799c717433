import { FrameworkPack, validatePack } from "./pack";

const JOBS = "Jobs";
const GROWTH = "Growth";
const SOCIAL = "Social";
const ENVIRONMENT = "Environment";
const INNOVATION = "Innovation";

/**
 * The bundled example pack. Its proxy values are MADE UP so a newcomer can see the add-in work;
 * they are not official National TOMs figures and must not be used to evaluate real bids.
 */
export const EXAMPLE_PACK: FrameworkPack = validatePack({
  id: "example",
  name: "Example pack (illustrative values only)",
  edition: "2026-illustrative",
  currencyBaseYear: 2026,
  licence: "Illustrative values written for Social Value Ledger; free to use for trying the product. Not TOMs values.",
  source: "Made up for demonstration. Bring your organisation's licensed framework pack for real evaluations.",
  illustrative: true,
  themes: [JOBS, GROWTH, SOCIAL, ENVIRONMENT, INNOVATION],
  measures: [
    { code: "J1", theme: JOBS, outcome: "More local people in employment", description: "Local people (FTE) employed on the contract for one year", unit: "FTE", kind: "proxy", proxy: 25000 },
    { code: "J2", theme: JOBS, outcome: "More local people in employment", description: "Long-term unemployed people (FTE) recruited on the contract", unit: "FTE", kind: "proxy", proxy: 18500 },
    { code: "J3", theme: JOBS, outcome: "More opportunities for disadvantaged people", description: "Apprenticeship weeks completed on the contract", unit: "weeks", kind: "proxy", proxy: 240 },
    { code: "J4", theme: JOBS, outcome: "Improved skills", description: "Hours of careers support for school pupils (hours × attendees)", unit: "hours × attendees", kind: "proxy", proxy: 12.5 },
    { code: "J5", theme: JOBS, outcome: "Improved skills", description: "Weeks of work placement for young people", unit: "weeks", kind: "proxy", proxy: 175 },
    { code: "G1", theme: GROWTH, outcome: "More opportunities for local MSMEs and VCSEs", description: "Spend with local micro, small and medium enterprises", unit: "£", kind: "proxy", proxy: 0.18 },
    { code: "G2", theme: GROWTH, outcome: "More opportunities for local MSMEs and VCSEs", description: "Spend with voluntary and community organisations", unit: "£", kind: "proxy", proxy: 0.22 },
    { code: "G3", theme: GROWTH, outcome: "Improved employment rights", description: "Staff paid at least the real Living Wage", unit: "FTE", kind: "record-only", proxy: null },
    { code: "G4", theme: GROWTH, outcome: "Resilient supply chains", description: "Expert business advice given to local small firms", unit: "hours", kind: "proxy", proxy: 95 },
    { code: "S1", theme: SOCIAL, outcome: "Healthier, safer and more resilient communities", description: "Staff volunteering hours for local community projects", unit: "hours", kind: "proxy", proxy: 16 },
    { code: "S2", theme: SOCIAL, outcome: "Healthier, safer and more resilient communities", description: "Donations and in-kind contributions to local community projects", unit: "£", kind: "face-value", proxy: null },
    { code: "S3", theme: SOCIAL, outcome: "Vulnerable people helped to live independently", description: "Hours supporting older, disabled or vulnerable people", unit: "hours", kind: "proxy", proxy: 14 },
    { code: "S4", theme: SOCIAL, outcome: "Inclusive workplaces", description: "Mental health campaign for staff described in a case study", unit: "case study", kind: "qualitative", proxy: null },
    { code: "E1", theme: ENVIRONMENT, outcome: "Carbon emissions are reduced", description: "Carbon emissions saved on the contract", unit: "tonnes CO2e", kind: "proxy", proxy: 260 },
    { code: "E2", theme: ENVIRONMENT, outcome: "Air pollution is reduced", description: "Car miles saved by cycle-to-work and car-sharing schemes", unit: "miles", kind: "proxy", proxy: 0.09 },
    { code: "E3", theme: ENVIRONMENT, outcome: "Less waste", description: "Waste diverted from landfill", unit: "tonnes", kind: "proxy", proxy: 95 },
    { code: "E4", theme: ENVIRONMENT, outcome: "Safeguarding the natural environment", description: "Volunteering hours on local green spaces", unit: "hours", kind: "proxy", proxy: 15 },
    { code: "I1", theme: INNOVATION, outcome: "Social innovation to create local skills", description: "Innovative measures to promote local skills, described in a case study", unit: "case study", kind: "qualitative", proxy: null },
    { code: "I2", theme: INNOVATION, outcome: "Social innovation to support communities", description: "Investment in community digital inclusion projects", unit: "£", kind: "face-value", proxy: null },
    { code: "I3", theme: INNOVATION, outcome: "Social innovation to support communities", description: "Hours of digital skills training for residents (hours × attendees)", unit: "hours × attendees", kind: "proxy", proxy: 11 },
  ],
});
