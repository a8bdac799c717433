import { installCustomFunctions, installWorkbook } from "./standIns";

/** Import first: the functions read the workbook's settings as soon as they load. */
export const registrations = installCustomFunctions();
export const workbook = installWorkbook();
