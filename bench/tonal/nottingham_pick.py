#!/usr/bin/env python3
"""Picks 15 minor and 15 major Nottingham tunes (seeded) whose ABC header names a plain major/minor key; prints
'<midi path>\t<key>' lines. usage: nottingham_pick.py NOTTINGHAM_DIR"""
import os, re, random, sys
d=sys.argv[1]
names={'C':0,'D':2,'E':4,'F':5,'G':7,'A':9,'B':11}
out=[]
for abc in sorted(os.listdir(d+'/abc')):
    base=abc[:-4]
    txt=open(d+'/abc/'+abc,errors='ignore').read()
    for m in re.finditer(r'^X:\s*(\d+)(.*?)(?=^X:|\Z)', txt, re.S|re.M):
        x=m.group(1); body=m.group(2)
        k=re.search(r'^K:\s*([A-G])([#b]?)\s*(m|min|maj|major|minor)?\s*$', body, re.M)
        if not k: continue
        pc=(names[k.group(1)]+{'#':1,'b':-1,'':0}[k.group(2)])%12
        mode='minor' if (k.group(3) or '').startswith('m') and k.group(3) not in ('maj','major') else 'major'
        mid=f'{d}/{base}{x}.mid'
        if os.path.exists(mid): out.append((mid,pc,mode))
random.seed(1)
mi=[o for o in out if o[2]=='minor']; ma=[o for o in out if o[2]=='major']
print(len(mi),len(ma), file=__import__('sys').stderr)
sel=random.sample(mi,min(15,len(mi)))+random.sample(ma,15)
pcn=['C','C#','D','Eb','E','F','F#','G','Ab','A','Bb','B']
for mid,pc,mode in sel: print(f'{mid}\t{pcn[pc]} {mode}')
