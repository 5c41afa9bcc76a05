import { Type } from '@sinclair/typebox';
import { ROLES } from '../../store/repositories/index.js';

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));
export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  clientId: Type.Union([Type.String(), Type.Null()]),
  validUntil: Type.Union([Type.Integer(), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });
/** New passwords: at least 12 characters (NIST SP 800-63B favours length over composition rules). */
export const NewPassword = Type.String({ minLength: 12, maxLength: 256 });
