-- A person's colour (Immich's PersonResponseDto.color, a hex colour the apps draw them in).
ALTER TABLE people ADD COLUMN color text CHECK (color ~ '^#([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$');
