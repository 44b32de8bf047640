import { createContext, useContext } from 'react';
import type { Me } from '../api/types';

/** The signed-in token's name and role (`GET /api/me`); buttons that need more are not shown. */
export const MeContext = createContext<Me>({ name: '', role: 'viewer', canOperate: false, canAdminister: false });

export function useMeContext(): Me {
  return useContext(MeContext);
}
