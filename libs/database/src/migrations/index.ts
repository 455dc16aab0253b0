import { Initial1795308158902 } from './1795308158902-Initial.js';
import { AppendOnlyLogs1795308200000 } from './1795308200000-AppendOnlyLogs.js';

/** Every migration, in order. `npm run db generate Name` writes a new one; add it here. */
export const MIGRATIONS = [Initial1795308158902, AppendOnlyLogs1795308200000];
