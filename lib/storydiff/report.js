(function(){
 var root=document.getElementById('__ROOT_ID__'); if(!root) return;
 var links=JSON.parse(root.getAttribute('data-links'));
 var review=JSON.parse(root.getAttribute('data-review')||'[]');
 var info=root.querySelector('.sd-info');
 function clear(){root.querySelectorAll('.sd-active,.sd-partner').forEach(function(e){e.classList.remove('sd-active','sd-partner');});}
 // outline the units of a link or review pair (both sides) other than the clicked one
 function mark(pair,el){
  ['a','b'].forEach(function(side){pair[side].forEach(function(i){
   var e=root.querySelector('[data-side='+side+'][data-id="'+i+'"]'); if(e&&e!==el) e.classList.add('sd-partner');});});
 }
 function show(el){
  clear(); el.classList.add('sd-active');
  var k=el.getAttribute('data-link');
  if(k!==null&&k!==''){
   var lk=links[+k]; mark(lk,el);
   var d=lk.details.join('; ');
   var c=(lk.confidence===null||lk.confidence===undefined)?'':' · confidence '+lk.confidence.toFixed(2);
   info.textContent=lk.status+(lk.moved?', moved':'')+' · similarity '+lk.similarity.toFixed(2)+c+(d?' · differs: '+d:'');
   return;
  }
  var rv=(el.getAttribute('data-review')||'').split(' ').filter(function(x){return x!=='';});
  if(!rv.length){info.textContent=el.getAttribute('data-status-label')+' (no partner in the other article)';return;}
  var conf=rv.map(function(r){mark(review[+r],el); return review[+r].confidence.toFixed(2);});
  info.textContent=el.getAttribute('data-status-label')+' (dashed: the candidate partner; confidence '+conf.join(', ')+', below the cut for a link)';
 }
 root.querySelectorAll('.sd-u[data-side]').forEach(function(el){
  if(el.classList.contains('sd-furniture')) return;
  el.addEventListener('click',function(){show(el);});
  el.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();show(el);}});
 });
})();
