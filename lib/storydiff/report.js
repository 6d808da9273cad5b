// The side-by-side view. sdInit(root, send): root is the .sd-wrap element; send(decision), when
// given (the Jupyter widget), receives each decision the reader makes.
function sdInit(root, send){
 if(!root) return;
 var links=JSON.parse(root.getAttribute('data-links'));
 var review=JSON.parse(root.getAttribute('data-review')||'[]');
 var info=root.querySelector('.sd-info');
 var cols={a:root.querySelector('.sd-col[data-side=a] .sd-scroll'),b:root.querySelector('.sd-col[data-side=b] .sd-scroll')};
 var gutter=root.querySelector('.sd-gutter svg');
 var all=Array.prototype.slice.call(root.querySelectorAll('.sd-u[data-side]'));
 var units=all.filter(function(e){return !e.classList.contains('sd-furniture');});
 var active=null;
 function unit(side,i){return root.querySelector('.sd-u[data-side='+side+'][data-id="'+i+'"]');}
 function clear(){root.querySelectorAll('.sd-active,.sd-partner').forEach(function(e){e.classList.remove('sd-active','sd-partner');});}
 // the units of a link or review pair (both sides) other than the clicked one
 function partnersOf(pair,el){var out=[];['a','b'].forEach(function(side){pair[side].forEach(function(i){var e=unit(side,i); if(e&&e!==el) out.push(e);});});return out;}
 // scroll a column so that a unit stands level with the clicked one (or at least in view)
 function bringLevel(target,el){
  var col=cols[target.getAttribute('data-side')]; if(!col) return;
  var delta=target.getBoundingClientRect().top-el.getBoundingClientRect().top;
  if(target.getAttribute('data-side')!==el.getAttribute('data-side')) col.scrollTop+=delta;
  var r=target.getBoundingClientRect(), c=col.getBoundingClientRect();
  if(r.top<c.top||r.bottom>c.bottom) col.scrollTop+=r.top-c.top-(c.height-r.height)/2;
 }
 function lines(){
  while(gutter.firstChild) gutter.removeChild(gutter.firstChild);
  if(!active) return;
  var g=gutter.getBoundingClientRect();
  var ps=root.querySelectorAll('.sd-partner');
  ps.forEach(function(p){
   var a=active.getAttribute('data-side')==='a'?active:p, b=active.getAttribute('data-side')==='a'?p:active;
   if(a.getAttribute('data-side')===b.getAttribute('data-side')) return;
   var ra=a.getBoundingClientRect(), rb=b.getBoundingClientRect();
   var y1=Math.min(Math.max(ra.top+ra.height/2-g.top,0),g.height), y2=Math.min(Math.max(rb.top+rb.height/2-g.top,0),g.height);
   var l=document.createElementNS('http://www.w3.org/2000/svg','line');
   l.setAttribute('x1','0'); l.setAttribute('y1',y1); l.setAttribute('x2','100%'); l.setAttribute('y2',y2);
   l.setAttribute('class',active.getAttribute('data-link')?'sd-line':'sd-line sd-line-review');
   gutter.appendChild(l);
  });
 }
 function show(el){
  clear(); active=el; el.classList.add('sd-active');
  var k=el.getAttribute('data-link'), ps=[];
  if(k!==null&&k!==''){
   var lk=links[+k]; ps=partnersOf(lk,el);
   var d=lk.details.join('; ');
   var c=(lk.confidence===null||lk.confidence===undefined)?'':' · confidence '+lk.confidence.toFixed(2);
   info.textContent=lk.status+(lk.moved?', moved':'')+' · similarity '+lk.similarity.toFixed(2)+c+(d?' · differs: '+d:'');
  } else {
   var rv=(el.getAttribute('data-review')||'').split(' ').filter(function(x){return x!=='';});
   if(!rv.length){info.textContent=el.getAttribute('data-status-label')+' (no partner in the other article)';}
   else {
    var grows=false;
    var conf=rv.map(function(r){ps=ps.concat(partnersOf(review[+r],el)); grows=grows||review[+r].grows; return review[+r].confidence.toFixed(2);});
    info.textContent=el.getAttribute('data-status-label')+(grows?' (dashed: a link this sentence may belong to as well':' (dashed: the candidate partner')+'; confidence '+conf.join(', ')+'; not drawn without you: accept or reject it)';
   }
  }
  ps.forEach(function(p){p.classList.add('sd-partner');});
  var other=ps.filter(function(p){return p.getAttribute('data-side')!==el.getAttribute('data-side');});
  if(other.length) bringLevel(other[0],el);
  lines();
 }
 function visible(e){return e.offsetParent!==null;}
 // next / previous change: units that are not 'same', in the order of the column they are in (A, then B)
 function step(dir){
  var list=units.filter(function(e){return visible(e)&&!e.classList.contains('sd-same');});
  if(!list.length) return;
  var i=active?list.indexOf(active):-1;
  var next=list[(i+dir+list.length)%list.length];
  bringLevel(next,next); next.focus({preventScroll:true}); show(next);
 }
 function applyFilter(){
  var f=root.querySelector('.sd-filter').value, q=root.querySelector('.sd-search').value.trim().toLowerCase();
  var hits=0;
  all.forEach(function(e){
   var ok=f==='all'||!e.classList.contains('sd-furniture');
   if(f==='review') ok=ok&&e.classList.contains('sd-review');
   else if(['same','changed','dropped','added'].indexOf(f)>=0) ok=ok&&e.classList.contains('sd-'+f);
   else if(f!=='all') ok=ok&&(' '+(e.getAttribute('data-kinds')||'')+' ').indexOf(' '+f+' ')>=0;
   e.classList.toggle('sd-hidden',!ok);
   var hit=q!==''&&e.textContent.toLowerCase().indexOf(q)>=0;
   e.classList.toggle('sd-hit',hit); if(hit&&ok) hits++;
  });
  root.querySelector('.sd-count').textContent=q?hits+' found':'';
  lines();
 }
 function nextHit(){
  var list=units.filter(function(e){return visible(e)&&e.classList.contains('sd-hit');});
  if(!list.length) return;
  var i=active?list.indexOf(active):-1, next=list[(i+1)%list.length];
  bringLevel(next,next); show(next);
 }
 units.forEach(function(el){
  el.addEventListener('click',function(){show(el);});
  el.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();show(el);}});
 });
 root.addEventListener('keydown',function(ev){
  if(ev.target.tagName==='INPUT'||ev.target.tagName==='SELECT') return;
  if(ev.key==='n'||ev.key==='j'){ev.preventDefault();ev.stopPropagation();step(1);}
  else if(ev.key==='p'||ev.key==='k'){ev.preventDefault();ev.stopPropagation();step(-1);}
 });
 root.querySelector('.sd-next').addEventListener('click',function(){step(1);});
 root.querySelector('.sd-prev').addEventListener('click',function(){step(-1);});
 root.querySelector('.sd-filter').addEventListener('change',applyFilter);
 var search=root.querySelector('.sd-search');
 search.addEventListener('input',applyFilter);
 search.addEventListener('keydown',function(ev){if(ev.key==='Enter'){ev.preventDefault();nextHit();}});
 cols.a.addEventListener('scroll',lines); cols.b.addEventListener('scroll',lines);
 window.addEventListener('resize',lines);
 // --- review: decisions a reader makes, kept in the page and saved as a JSON file ---
 var pairKey='storydiff-review:'+root.getAttribute('data-a-id')+'__'+root.getAttribute('data-b-id');
 var decisions=[];
 try{decisions=JSON.parse(window.localStorage.getItem(pairKey)||'[]');}catch(e){decisions=[];}
 var linking=null;
 var saveBtn=root.querySelector('.sd-save'), noteBox=root.querySelector('.sd-note');
 function texts(side,ids){return ids.map(function(i){var e=unit(side,i);return e?e.textContent:'';});}
 function target(){
  if(!active) return null;
  var k=active.getAttribute('data-link');
  if(k!==null&&k!=='') return {a:links[+k].a.slice(),b:links[+k].b.slice()};
  var rv=(active.getAttribute('data-review')||'').split(' ').filter(function(x){return x!=='';});
  if(rv.length) return {a:review[+rv[0]].a.slice(),b:review[+rv[0]].b.slice()};
  var id=+active.getAttribute('data-id');
  return active.getAttribute('data-side')==='a'?{a:[id],b:[]}:{a:[],b:[id]};
 }
 function refreshSave(){saveBtn.textContent='save decisions ('+decisions.length+')';saveBtn.disabled=!decisions.length;}
 function record(action,t,extra){
  var d={action:action,a:t.a,b:t.b,a_text:texts('a',t.a),b_text:texts('b',t.b),status:null,note:'',when:new Date().toISOString()};
  for(var k in extra) d[k]=extra[k];
  decisions.push(d);
  try{window.localStorage.setItem(pairKey,JSON.stringify(decisions));}catch(e){}
  t.a.forEach(function(i){var e=unit('a',i);if(e)e.classList.add('sd-decided');});
  t.b.forEach(function(j){var e=unit('b',j);if(e)e.classList.add('sd-decided');});
  info.textContent='decision recorded: '+action+(d.status?' ('+d.status+')':'')+' for A '+JSON.stringify(t.a)+' / B '+JSON.stringify(t.b)+
   '. It is applied when the comparison runs again; save the decisions to keep them.';
  refreshSave();
  if(send) send(d);
 }
 function act(action,extra){
  var t=target();
  if(!t){info.textContent='Click a sentence first.';return;}
  if((action==='accept'||action==='reject'||action==='status')&&!(t.a.length&&t.b.length)){info.textContent='This sentence has no partner to '+action+'; use "link to…" to draw one.';return;}
  record(action,t,extra||{});
 }
 root.querySelector('.sd-accept').addEventListener('click',function(){act('accept');});
 root.querySelector('.sd-reject').addEventListener('click',function(){act('reject');});
 root.querySelector('.sd-same-btn').addEventListener('click',function(){act('status',{status:'same'});});
 root.querySelector('.sd-changed-btn').addEventListener('click',function(){act('status',{status:'changed'});});
 root.querySelector('.sd-add-note').addEventListener('click',function(){var n=noteBox.value.trim(); if(!n){info.textContent='Write the note first.';return;} act('note',{note:n}); noteBox.value='';});
 root.querySelector('.sd-link-btn').addEventListener('click',function(){
  if(!active){info.textContent='Click a sentence first.';return;}
  linking=active; info.textContent='Now click the sentence of the other article to link it with.';
 });
 units.forEach(function(el){el.addEventListener('click',function(){
  if(!linking||linking===el) return;
  if(linking.getAttribute('data-side')===el.getAttribute('data-side')){info.textContent='Pick a sentence of the other article.';return;}
  var a=linking.getAttribute('data-side')==='a'?linking:el, b=a===linking?el:linking;
  linking=null;
  record('link',{a:[+a.getAttribute('data-id')],b:[+b.getAttribute('data-id')]},{});
 });});
 saveBtn.addEventListener('click',function(){
  var doc={a:root.getAttribute('data-a-id'),b:root.getAttribute('data-b-id'),decisions:decisions};
  var blob=new Blob([JSON.stringify(doc,null,1)],{type:'application/json'});
  var link=document.createElement('a');
  link.href=URL.createObjectURL(blob); link.download=doc.a+'__'+doc.b+'.json';
  document.body.appendChild(link); link.click(); document.body.removeChild(link);
  info.textContent='Saved '+decisions.length+' decisions as '+link.download+': put the file in the corpus folder\'s reviews/ folder (or run storydiff review A B --apply FILE).';
 });
 refreshSave();
}
