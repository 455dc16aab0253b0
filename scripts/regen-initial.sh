#!/usr/bin/env bash
# Development only, until the first release: rebuild the initial migration from the entities.
set -euo pipefail
cd "$(dirname "$0")/.."
old=$(ls libs/database/src/migrations/*-Initial.ts)
oldcls=$(grep -o 'class [A-Za-z0-9]*' "$old" | cut -d' ' -f2)
rm "$old"
sed -i "/$oldcls/d" libs/database/src/migrations/index.ts
echo "export const MIGRATIONS = [];" > /tmp/mig-index.ts
cp libs/database/src/migrations/index.ts /tmp/mig-index.keep
printf "import { AppendOnlyLogs1795400000000 } from './1795400000000-AppendOnlyLogs.js';\nexport const MIGRATIONS = [];\n" > libs/database/src/migrations/index.ts
npx tsc -p tsconfig.build.json
dir=$(mktemp -d /tmp/eldercare-regen-XXXX); chmod 755 "$dir"
EMBEDDED_PG_DATA_DIR=$dir/pgdata node dist/scripts/db.js generate Initial
new=$(ls libs/database/src/migrations/*-Initial.ts)
cls=$(grep -o 'class [A-Za-z0-9]*' "$new" | cut -d' ' -f2)
cat > libs/database/src/migrations/index.ts <<EOT
import { $cls } from './$(basename "$new" .ts).js';
import { AppendOnlyLogs1795400000000 } from './1795400000000-AppendOnlyLogs.js';

/** Every migration, in order. \`npm run db generate Name\` writes a new one; add it here. */
export const MIGRATIONS = [$cls, AppendOnlyLogs1795400000000];
EOT
rm -rf "$dir"
